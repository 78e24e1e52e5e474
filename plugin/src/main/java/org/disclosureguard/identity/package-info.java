/**
 * Who is asking: the requester registry, the partner certificate authority, and the authenticator that turns a
 * TLS client certificate chain and the request headers into a registered requester with its bound claims
 * (purpose of use, legal basis, case reference, requesting officer), or a refusal with a stable DG-3xxx code.
 *
 * <p>{@link org.disclosureguard.identity.RequesterRegistry} reads the registry file (see {@code
 * docs/requesters.md}); {@link org.disclosureguard.identity.PartnerCa} creates the practice's partner CA and
 * issues and revokes requester certificates; {@link org.disclosureguard.identity.PartnerCaTrust} is the
 * read-only view of that CA the guard trusts; {@link org.disclosureguard.identity.RequesterAuthenticator}
 * decides who is asking.
 *
 * <p>Core package: depends on {@code org.disclosureguard.config}, Bouncy Castle, Caffeine and Nimbus JOSE+JWT
 * only. It takes certificates as {@code X509Certificate[]} and headers as a {@code Map}, and must not depend on
 * Spring, on the servlet API, or on any other package of the guard (the gateway depends on it, not the other way
 * round).
 */
package org.disclosureguard.identity;

/**
 * Talking to the practice's FHIR server: one bounded HTTP exchange per call, allow-listed headers, and every
 * way the exchange can go wrong classified as an {@link org.disclosureguard.upstream.UpstreamFailure} so that
 * callers can fail closed.
 *
 * <p>Core package: Apache HttpClient 5 (classic, blocking) is its one library. It must not depend on Spring, the
 * servlet API or HAPI's server.
 */
package org.disclosureguard.upstream;

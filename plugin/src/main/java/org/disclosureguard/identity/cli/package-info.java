/**
 * The {@code ca} command line (picocli) over {@link org.disclosureguard.identity.PartnerCa}: create the practice's
 * partner CA, issue, revoke, publish the CRL, issue the guard's TLS certificate, and set up the demo requesters.
 *
 * <p>Depends on {@code org.disclosureguard.identity} and picocli only; nothing in the guard depends on it.
 */
package org.disclosureguard.identity.cli;

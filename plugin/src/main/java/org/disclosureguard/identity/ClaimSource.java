package org.disclosureguard.identity;

/** Where a bound claim came from. */
public enum ClaimSource {
    /** A claim inside the verified signed token. */
    SIGNED_TOKEN,
    /** An {@code X-DG-*} header over mutual TLS from a requester registered for header claims. */
    MTLS_HEADER
}

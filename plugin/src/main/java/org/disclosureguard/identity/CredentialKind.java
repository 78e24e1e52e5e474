package org.disclosureguard.identity;

/** A credential a requester presented and the guard verified. */
public enum CredentialKind {
    /** A TLS client certificate issued by the partner CA (mutual TLS). */
    CLIENT_CERTIFICATE,
    /** A signed JWT in {@code Authorization: Bearer}. */
    BEARER_TOKEN
}

package org.disclosureguard.identity;

import java.time.Instant;
import java.util.Set;

/**
 * A registered requester identified by verified credentials, with the claims bound to it for this request.
 * Immutable.
 *
 * @param requester the registry entry; never {@code null}
 * @param claims purpose of use, legal basis, case reference and requesting officer; never {@code null}
 * @param credentials the credentials presented and verified; never empty; immutable
 * @param tokenId the token's {@code jti}, or {@code null} when no token was presented
 * @param tokenExpiry the token's {@code exp}, or {@code null} when no token was presented
 * @param certificateSha256 the client certificate's SHA-256 fingerprint (64 lower-case hex digits), or {@code
 *     null} when no certificate was presented
 * @param certificateSerial the client certificate's serial number in lower-case hex, or {@code null}
 */
public record AuthenticatedRequester(
        RegisteredRequester requester,
        BoundClaims claims,
        Set<CredentialKind> credentials,
        String tokenId,
        Instant tokenExpiry,
        String certificateSha256,
        String certificateSerial) implements AuthenticationResult {

    public AuthenticatedRequester {
        credentials = Set.copyOf(credentials);
        if (requester == null || claims == null || credentials.isEmpty()) {
            throw new IllegalArgumentException("a requester, its claims and at least one credential are required");
        }
    }

    /** Whether the request came over mutual TLS with a verified client certificate. */
    public boolean overMutualTls() {
        return credentials.contains(CredentialKind.CLIENT_CERTIFICATE);
    }

    /** Whether the requester is one of the practice's own systems ({@code internal: true} in the registry). */
    public boolean internal() {
        return requester.internal();
    }
}

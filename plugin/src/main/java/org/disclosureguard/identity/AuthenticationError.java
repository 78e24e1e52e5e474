package org.disclosureguard.identity;

/**
 * Every reason the authenticator refuses a request, with a stable code, the HTTP status the gateway should
 * answer with, and a message that is safe to show the requester and says what to do. The codes are listed in
 * {@code docs/requesters.md}; never reuse or renumber one. Messages never contain request content.
 */
public enum AuthenticationError {
    FORWARDED_IDENTITY_HEADER("DG-3001", 403,
            "The request carries a header that claims a client certificate or client address (such as "
                    + "X-Forwarded-For, Forwarded or X-Forwarded-Client-Cert). The guard identifies requesters only "
                    + "from its own TLS connection and signed tokens; send the request without these headers."),
    HEADER_CLAIMS_NOT_ALLOWED("DG-3002", 403,
            "X-DG-Purpose-Of-Use, X-DG-Legal-Basis, X-DG-Case-Reference and X-DG-Requesting-Officer are accepted "
                    + "only over mutual TLS from requesters registered for them. Send these as signed claims in "
                    + "your token instead."),
    HEADER_CONTRADICTS_TOKEN("DG-3003", 400,
            "An X-DG-* header says something different from the signed claim of the same name in your token. "
                    + "Send the value once, in the token."),
    MALFORMED_CLAIM("DG-3004", 400,
            "A purpose of use, legal basis, case reference or requesting officer is not a plain text value of at "
                    + "most 256 characters (purpose of use and legal basis: a code). Correct the value."),
    CREDENTIALS_DISAGREE("DG-3005", 401,
            "The client certificate and the token identify different registered requesters. Use the certificate "
                    + "and the token key registered for the same requester."),
    UNSUPPORTED_AUTHORIZATION("DG-3006", 401,
            "The Authorization header is not a Bearer token. Send 'Authorization: Bearer <signed JWT>' or use "
                    + "only your client certificate."),
    CERTIFICATE_UNKNOWN("DG-3101", 401,
            "The client certificate is valid but is not registered with this practice. Ask the practice to "
                    + "register it."),
    CERTIFICATE_UNTRUSTED("DG-3102", 401,
            "The client certificate was not issued for client authentication by this practice's partner "
                    + "certificate authority. Use the certificate the practice issued to you."),
    CERTIFICATE_EXPIRED("DG-3103", 401,
            "The client certificate has expired. Ask the practice for a new one."),
    CERTIFICATE_NOT_YET_VALID("DG-3104", 401,
            "The client certificate is not valid yet. Check your clock, or wait until its validity starts."),
    CERTIFICATE_REVOKED("DG-3105", 401,
            "The client certificate has been revoked. Ask the practice for a new one."),
    REVOCATION_UNKNOWN("DG-3106", 503,
            "The guard cannot establish whether client certificates have been revoked: the practice's revocation "
                    + "list is missing or out of date. Try again later; practice IT must publish a new list."),
    TOKEN_MALFORMED("DG-3201", 401,
            "The bearer token is not a signed JWT with the required claims (iss equal to sub, aud, exp, iat, "
                    + "jti) and no critical header parameters. Correct the token."),
    TOKEN_ALGORITHM_REFUSED("DG-3202", 401,
            "The token's signature algorithm is not accepted. Sign with RS256, ES256 or EdDSA (Ed25519)."),
    TOKEN_UNKNOWN_ISSUER("DG-3203", 401,
            "The token's issuer is not a registered client id. Use the client id the practice registered for "
                    + "you as iss and sub."),
    TOKEN_KEY_MISMATCH("DG-3204", 401,
            "The token's algorithm or key id does not match the key registered for its issuer. Sign with the "
                    + "registered key and its algorithm."),
    TOKEN_SIGNATURE_INVALID("DG-3205", 401,
            "The token's signature does not verify with the key registered for its issuer."),
    TOKEN_WRONG_AUDIENCE("DG-3206", 401,
            "The token's audience (aud) is not this guard. Use the audience the practice gave you."),
    TOKEN_EXPIRED("DG-3207", 401,
            "The token has expired. Sign a new token for each request."),
    TOKEN_NOT_YET_VALID("DG-3208", 401,
            "The token is not valid yet (iat or nbf is in the future). Check your clock."),
    TOKEN_LIFETIME_TOO_LONG("DG-3209", 401,
            "The token expires more than five minutes after it is presented. Use a shorter expiry."),
    TOKEN_REPLAYED("DG-3210", 401,
            "This token (its jti) has been used before. Sign a new token with a new jti for each request."),
    TOKEN_REPLAY_CACHE_FULL("DG-3211", 503,
            "The guard is receiving more tokens than it can remember. Try again shortly.");

    private final String code;
    private final int httpStatus;
    private final String message;

    AuthenticationError(String code, int httpStatus, String message) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.message = message;
    }

    /** The stable code, for example {@code DG-3101}. */
    public String code() {
        return code;
    }

    /** The HTTP status the gateway should answer with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** A message safe to show the requester, saying what to do. */
    public String message() {
        return message;
    }
}

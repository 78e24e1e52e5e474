package org.disclosureguard.identity;

/**
 * The request is refused. {@link #error()} gives the stable code, HTTP status and a message safe to show;
 * {@link #logDetail()} is for the practice's log only (it may name certificate subjects and client ids, never a
 * token), and must never be sent to the requester.
 *
 * @param error never {@code null}
 * @param logDetail never {@code null}; printable characters only
 */
public record AuthenticationFailure(AuthenticationError error, String logDetail) implements AuthenticationResult {

    public AuthenticationFailure {
        if (error == null || logDetail == null) {
            throw new IllegalArgumentException("error and logDetail are required");
        }
    }

    /** The stable code, for example {@code DG-3205}. */
    public String code() {
        return error.code();
    }

    /** The message safe to show the requester. */
    public String message() {
        return error.message();
    }
}

package org.disclosureguard.gateway;

/**
 * A request ends with a {@link GuardError}. The detail, if any, is written by the guard (never copied from
 * upstream content) and is shown to the requester after the error's own message.
 */
public final class GuardException extends RuntimeException {

    private final GuardError error;
    private final String detail;

    public GuardException(GuardError error) {
        this(error, null, null);
    }

    public GuardException(GuardError error, String detail, Throwable cause) {
        super(error.code() + (detail == null ? "" : ": " + detail), cause, false, false);
        this.error = error;
        this.detail = detail;
    }

    public GuardError error() {
        return error;
    }

    /** A guard-written detail, or {@code null}. */
    public String detail() {
        return detail;
    }
}

package org.disclosureguard.upstream;

/**
 * The practice server could not give a usable answer. Carries no part of the upstream body: the message is
 * written by the guard and is safe to show to a requester.
 */
public final class UpstreamFailure extends Exception {

    /** What went wrong, which decides the status the guard answers with. */
    public enum Kind {
        /** Connection refused, reset or not possible (503). */
        UNAVAILABLE,
        /** No complete answer within the configured time (504). */
        TIMEOUT,
        /** A 5xx or unexpected status (502). */
        ERROR_STATUS,
        /** A redirect, which the guard never follows (502). */
        REDIRECT,
        /** Not FHIR JSON: wrong content type, unparseable or malformed body (502). */
        NOT_FHIR,
        /** A body larger than the configured limit (502). */
        TOO_LARGE,
        /** Valid FHIR, but not what was asked for (wrong resource type or id) (502). */
        UNEXPECTED_CONTENT
    }

    private final Kind kind;

    public UpstreamFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public UpstreamFailure(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

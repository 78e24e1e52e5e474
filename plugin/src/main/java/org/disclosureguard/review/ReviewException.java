package org.disclosureguard.review;

import java.util.Objects;

/**
 * A review transition that was refused (unknown case, already decided, expired, an approval wider than the policy's
 * proposal, the wrong role, a refusal without reason) or a store failure. The message starts with the
 * {@link #error()}'s code; nothing was changed.
 */
public class ReviewException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ReviewError error;

    public ReviewException(ReviewError error, String problem) {
        this(error, problem, null);
    }

    public ReviewException(ReviewError error, String problem, Throwable cause) {
        super(Objects.requireNonNull(error, "error").format(problem), cause);
        this.error = error;
    }

    /** What went wrong, as a stable code. */
    public ReviewError error() {
        return error;
    }
}

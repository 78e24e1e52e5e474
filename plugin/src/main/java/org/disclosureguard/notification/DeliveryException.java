package org.disclosureguard.notification;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A notice could not be delivered on a channel: the receiver was unreachable, timed out, or answered with a refusal.
 * The message says which channel, where, and what went wrong, without any notice content, and is kept in the
 * outbox's {@code last_error}.
 *
 * <p>When the receiver said when to come back (a {@code Retry-After} on 429 or 503), {@link #retryAfter()} carries it
 * and the relay does not try that channel again before then (capped by its retry policy's {@code maxDelay}). A
 * receiver that will never take deliveries again is reported with the subclass {@link ReceiverGoneException}.
 * Immutable.
 */
public class DeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public DeliveryException(String message) {
        this(message, (Throwable) null);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
        this.retryAfter = null;
    }

    /**
     * A refusal with the receiver's own wait.
     *
     * @param retryAfter how long the receiver asked to be left alone, zero or positive
     */
    public DeliveryException(String message, Duration retryAfter) {
        super(message);
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative");
        }
        this.retryAfter = retryAfter;
    }

    /** The wait the receiver asked for ({@code Retry-After}), or empty when it named none. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

package org.disclosureguard.notification;

/**
 * Counters of what the relay did, per channel, for the application to bind to its metrics registry (for example
 * Micrometer counters {@code guard.notification.delivered{channel=...}}). The relay calls these after it has recorded
 * the result in the outbox; a result it could not record is not counted. Every method has a no-op default.
 *
 * <p>Implementations must be thread-safe and quick (they are called on the relay's thread) and should not throw (the
 * relay logs and ignores an exception).
 */
public interface NotificationMetrics {

    /** Counts nothing. */
    NotificationMetrics NONE = new NotificationMetrics() {
    };

    /** A row was delivered on the channel. */
    default void delivered(String channel) {
    }

    /** An attempt failed and the row will be tried again (after back-off or the receiver's {@code Retry-After}). */
    default void retried(String channel) {
    }

    /** An attempt failed for the last time: the row is now a dead letter ({@code DG-6020}). */
    default void failed(String channel) {
    }

    /** The channel's receiver answered 410 Gone and the channel was disabled ({@code DG-6022}); once per event. */
    default void disabled(String channel) {
    }
}

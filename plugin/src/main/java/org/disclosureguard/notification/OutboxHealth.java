package org.disclosureguard.notification;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The notification outbox at a glance, for a health indicator: a growing {@code pending} count or an old
 * {@code oldestPending} means a channel is down; any {@code failed} row is a dead letter someone must look at; any
 * {@code disabled} row belongs to a channel whose receiver answered 410 Gone and waits for an operator. Immutable.
 *
 * @param pending rows still to deliver
 * @param failed dead letters
 * @param disabled rows held because their channel is disabled ({@link NotificationOutbox#DISABLED})
 * @param oldestPending how long the oldest pending row has waited since it was written, empty when none is pending
 */
public record OutboxHealth(long pending, long failed, long disabled, Optional<Duration> oldestPending) {

    public OutboxHealth {
        Objects.requireNonNull(oldestPending, "oldestPending");
    }

    /** Health with no disabled rows. */
    public OutboxHealth(long pending, long failed, Optional<Duration> oldestPending) {
        this(pending, failed, 0, oldestPending);
    }
}

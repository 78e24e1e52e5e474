package org.disclosureguard.notification;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The notification outbox at a glance, for a health indicator: a growing {@code pending} count or an old
 * {@code oldestPending} means a channel is down; any {@code failed} row is a dead letter someone must look at.
 * Immutable.
 *
 * @param pending rows still to deliver
 * @param failed dead letters
 * @param oldestPending how long the oldest pending row has waited since it was written, empty when none is pending
 */
public record OutboxHealth(long pending, long failed, Optional<Duration> oldestPending) {

    public OutboxHealth {
        Objects.requireNonNull(oldestPending, "oldestPending");
    }
}

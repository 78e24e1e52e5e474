package org.disclosureguard.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.disclosureguard.notification.OutboxHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The clinician notification outbox as an actuator health component ({@code notifications} in
 * {@code /actuator/health}, which answers the practice only): DOWN when a channel is disabled (its receiver answered
 * 410 Gone, or rows are held by a disabled channel), when the oldest pending notice has waited longer than
 * {@code guard.notification.health.max-pending-age}, or when the outbox cannot be read; otherwise UP. The details are
 * counts and channel names only, never notice content: {@code pending}, {@code failed} (dead letters, shown but not
 * DOWN by themselves: the staff page and the {@code guard.notifications.failed} gauge raise them),
 * {@code disabled}, {@code disabledChannels}, {@code oldestPendingSeconds}, {@code maxPendingAgeSeconds} and, when
 * DOWN, {@code reasons}.
 *
 * <p>Thread-safe (reads the outbox on each call).
 */
final class NotificationHealthIndicator implements HealthIndicator {

    private final Supplier<OutboxHealth> outbox;
    private final Supplier<Map<String, String>> disabledChannels;
    private final Duration maxPendingAge;

    /**
     * @param outbox the outbox counts ({@code NotificationOutbox::health})
     * @param disabledChannels the disabled channels ({@code NotificationOutbox::disabledChannels})
     * @param maxPendingAge how long the oldest pending notice may wait before the outbox is DOWN
     */
    NotificationHealthIndicator(Supplier<OutboxHealth> outbox, Supplier<Map<String, String>> disabledChannels,
            Duration maxPendingAge) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.disabledChannels = Objects.requireNonNull(disabledChannels, "disabledChannels");
        this.maxPendingAge = Objects.requireNonNull(maxPendingAge, "maxPendingAge");
        if (maxPendingAge.isNegative() || maxPendingAge.isZero()) {
            throw new IllegalArgumentException("guard.notification.health.max-pending-age must be positive");
        }
    }

    /** The threshold when none is configured: 15 minutes, or 26 hours when a channel sends a daily digest. */
    static Duration defaultMaxPendingAge(boolean anyDigest) {
        return anyDigest ? Duration.ofHours(26) : Duration.ofMinutes(15);
    }

    @Override
    public Health health() {
        OutboxHealth counts;
        Map<String, String> disabled;
        try {
            counts = outbox.get();
            disabled = disabledChannels.get();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", "DG-6010: the notification outbox cannot be read").build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pending", counts.pending());
        details.put("failed", counts.failed());
        details.put("disabled", counts.disabled());
        details.put("disabledChannels", List.copyOf(disabled.keySet()));
        details.put("oldestPendingSeconds", counts.oldestPending().map(Duration::toSeconds).orElse(0L));
        details.put("maxPendingAgeSeconds", maxPendingAge.toSeconds());
        List<String> reasons = new java.util.ArrayList<>();
        if (!disabled.isEmpty()) {
            reasons.add("channel disabled: " + String.join(", ", disabled.keySet()));
        } else if (counts.disabled() > 0) {
            reasons.add(counts.disabled() + " notice(s) held by a disabled channel");
        }
        if (counts.oldestPending().filter(age -> age.compareTo(maxPendingAge) > 0).isPresent()) {
            reasons.add("oldest pending notice waited longer than " + maxPendingAge.toSeconds() + " s");
        }
        if (reasons.isEmpty()) {
            return Health.up().withDetails(details).build();
        }
        details.put("reasons", reasons);
        return Health.down().withDetails(details).build();
    }
}

package org.disclosureguard.notification;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how long the relay tries a notice on one channel: exponential back-off from
 * {@code initialDelay}, doubling per failed attempt up to {@code maxDelay}, with "equal jitter" (the wait is drawn
 * uniformly from the upper half of the back-off, so instances that failed together do not retry together), and no
 * more than {@code maxAttempts} attempts before the row is dead-lettered. Immutable.
 *
 * @param maxAttempts attempts before a row is marked {@code failed}, at least 1
 * @param initialDelay the back-off after the first failure, positive
 * @param maxDelay the cap on the back-off, at least {@code initialDelay}
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    /**
     * 20 attempts, back-off from 30 s doubling up to 6 h: between about 31 and 62 hours of trying (a long weekend
     * outage of the GP system is still delivered) before a dead letter.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(20, Duration.ofSeconds(30), Duration.ofHours(6));

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("guard.notification.retry.max-attempts must be at least 1");
        }
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("guard.notification.retry: initial-delay must be positive and "
                    + "max-delay at least initial-delay");
        }
    }

    /**
     * The wait before the next attempt after {@code failedAttempts} failures (1 after the first).
     *
     * @param random the source of jitter
     * @return between half of and the full capped back-off {@code min(maxDelay, initialDelay * 2^(failedAttempts-1))}
     */
    public Duration delayAfter(int failedAttempts, RandomGenerator random) {
        long initial = initialDelay.toMillis();
        long cap = maxDelay.toMillis();
        int doublings = Math.max(0, Math.min(failedAttempts - 1, 40));
        long backoff = initial;
        for (int i = 0; i < doublings && backoff < cap; i++) {
            backoff *= 2;
        }
        backoff = Math.min(backoff, cap);
        long half = backoff / 2;
        return Duration.ofMillis(backoff - half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }
}

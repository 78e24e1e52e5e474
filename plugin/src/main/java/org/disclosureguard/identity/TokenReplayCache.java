package org.disclosureguard.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Remembers the token ids ({@code jti}) the guard has accepted, per issuer, until the token expires, so that a
 * token can be used only once. Entries expire at the token's {@code exp} plus the allowed clock skew (after
 * that the token is refused as expired anyway). The cache is bounded: when it holds {@code capacity} unexpired
 * ids, new tokens are refused ({@link Sighting#FULL}) rather than an unexpired id being forgotten, which would
 * open a replay window. Time comes from the injected clock.
 *
 * <p>Thread-safe. Keep one instance for the life of the guard and pass it to every {@link
 * RequesterAuthenticator} built on a reload, so that reloading the registry does not forget seen tokens.
 */
public final class TokenReplayCache {

    /** The default number of unexpired token ids remembered. */
    public static final int DEFAULT_CAPACITY = 100_000;

    /** The outcome of offering a token id. */
    public enum Sighting {
        /** Not seen before; now remembered until it expires. */
        FIRST,
        /** Seen before and not yet expired: a replay. */
        REPLAY,
        /** The cache is full of unexpired ids; the token was not remembered and must be refused. */
        FULL
    }

    private final Cache<String, Instant> seen;
    private final Clock clock;
    private final Duration skew;
    private final int capacity;

    /**
     * @param capacity the most unexpired token ids held at once
     * @param skew added to each token's expiry, matching the authenticator's clock skew
     */
    public TokenReplayCache(int capacity, Duration skew, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.skew = skew;
        this.clock = clock;
        this.seen = Caffeine.newBuilder()
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .recordStats()
                .expireAfter(new Expiry<String, Instant>() {
                    @Override
                    public long expireAfterCreate(String key, Instant expiresAt, long currentTime) {
                        return remaining(expiresAt);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Instant expiresAt, long currentTime,
                            long currentDuration) {
                        return remaining(expiresAt);
                    }

                    @Override
                    public long expireAfterRead(String key, Instant expiresAt, long currentTime,
                            long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private long remaining(Instant expiresAt) {
        long nanos = Duration.between(clock.instant(), expiresAt.plus(skew)).toNanos();
        return Math.max(0, nanos);
    }

    /**
     * Records a token id and says whether it was seen before. Atomic: of two concurrent offers of the same id,
     * exactly one is {@link Sighting#FIRST}.
     */
    public Sighting offer(String issuer, String tokenId, Instant expiresAt) {
        String key = issuer + '\u0000' + tokenId;
        Instant now = clock.instant();
        if (seen.estimatedSize() >= capacity) {
            seen.cleanUp();
            if (seen.estimatedSize() >= capacity && seen.getIfPresent(key) == null) {
                return Sighting.FULL;
            }
        }
        boolean[] first = {false};
        seen.asMap().compute(key, (k, previous) -> {
            if (previous != null && !previous.plus(skew).isBefore(now)) {
                return previous;
            }
            first[0] = true;
            return expiresAt;
        });
        return first[0] ? Sighting.FIRST : Sighting.REPLAY;
    }

    /**
     * The cache of token ids, for metrics (hit rate, size, evictions). It is bounded by refusal, not eviction: once
     * {@code capacity} unexpired ids are held, a new token is refused ({@link Sighting#FULL}), because evicting an
     * unexpired id would let that token be replayed. Ids leave only when their token expires.
     */
    public Cache<String, ?> cache() {
        return seen;
    }

    /** The approximate number of remembered ids, expired ones not yet removed included. */
    public long size() {
        return seen.estimatedSize();
    }
}

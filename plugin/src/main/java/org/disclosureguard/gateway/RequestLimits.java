package org.disclosureguard.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.disclosureguard.policy.Limit;
import org.disclosureguard.policy.PolicyError;
import org.disclosureguard.policy.Requester;

/**
 * Keeps outside requesters to the policy's {@link Limit}s ({@code docs/limits.md}): requests per clock minute, and
 * distinct patients released per day (UTC). The counts live in memory (Caffeine), per guard instance: behind a load
 * balancer with N instances a requester can reach up to N times a limit, so set limits for one instance's share or
 * pin requesters to an instance. A policy reload changes the limits at once; the counts carry on. Thread-safe.
 */
final class RequestLimits {

    private final Clock clock;
    private final Cache<String, AtomicInteger> minutes =
            Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(2)).maximumSize(100_000).recordStats().build();
    private final Cache<String, Set<String>> days =
            Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(25)).maximumSize(100_000).recordStats().build();

    RequestLimits(Clock clock) {
        this.clock = clock;
    }

    /** The windows by name ({@code limits.minutes}, {@code limits.days}), for metrics. */
    Map<String, Cache<String, ?>> caches() {
        return Map.of("limits.minutes", minutes, "limits.days", days);
    }

    /**
     * Counts a request against the requester's per-minute limit.
     *
     * @throws Refusal 429 with {@code Retry-After} (the seconds to the next minute) when over it
     */
    void countRequest(Requester requester, Limit limit) {
        if (limit.requestsPerMinute() == 0) {
            return;
        }
        Instant now = clock.instant();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        int count = minutes.get(requester.id() + "@" + minute.getEpochSecond(), k -> new AtomicInteger())
                .incrementAndGet();
        if (count > limit.requestsPerMinute()) {
            throw tooMany(PolicyError.REQUESTS_PER_MINUTE, Duration.between(now, minute.plusSeconds(60)),
                    "Wait for the next minute before asking again.");
        }
    }

    /**
     * Admits the patients an answer would release to the requester against its per-day limit: the answer goes
     * only if the patients already released today plus these new ones stay within it, and then they are counted.
     *
     * @throws Refusal 429 with {@code Retry-After} (the seconds to midnight UTC) when they would not
     */
    void admitPatients(Requester requester, Limit limit, Collection<String> patients) {
        if (limit.patientsPerDay() == 0 || patients.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Set<String> released = days.get(requester.id() + "@" + today, k -> new HashSet<>());
        synchronized (released) {
            Set<String> after = new HashSet<>(released);
            after.addAll(patients);
            if (after.size() > limit.patientsPerDay()) {
                throw tooMany(PolicyError.PATIENTS_PER_DAY, Duration.between(now,
                        today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
                        "Nothing was released. The limit is set by the practice's disclosure policy.");
            }
            released.addAll(patients);
        }
    }

    private static Refusal tooMany(PolicyError error, Duration retryAfter, String advice) {
        long seconds = Math.max(1, retryAfter.toSeconds());
        return new Refusal(429, error.code(), "throttled", capital(error.summary()) + ". " + advice,
                Map.of("Retry-After", Long.toString(seconds)));
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

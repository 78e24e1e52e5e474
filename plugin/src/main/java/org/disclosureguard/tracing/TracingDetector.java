package org.disclosureguard.tracing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.policy.TracingThresholds;

/**
 * Watches every audited request of an outside requester and says when its pattern looks like tracing, against the
 * thresholds of the policy in force ({@link TracingThresholds}, {@code docs/limits.md}).
 *
 * <p><b>What is counted.</b> Only entries that answered an outside, identified requester (not the practice's own
 * requesters, not unauthenticated requests, not entries of status 0 such as review decisions and alerts):
 * <ul>
 *   <li>{@link TracingPattern#REFUSED_SEARCHES}: searches ({@code search-type}) with outcome {@code deny} or
 *       {@code refused} (a 429 from a limit included), per requester;</li>
 *   <li>{@link TracingPattern#DISTINCT_PATIENTS}: the distinct patients the entries name (released, refused or asked
 *       about by identifier), per requester;</li>
 *   <li>{@link TracingPattern#SAME_PATIENT}: the distinct requesters whose entries name one patient, per patient (a
 *       patient named once by logical id and once by NHS number counts as two keys);</li>
 *   <li>{@link TracingPattern#OUTSIDE_HOURS}: requests at a time of day (Europe/London) outside the requester's usual
 *       hours, per requester (a requester without usual hours is never counted).</li>
 * </ul>
 *
 * <p><b>Windows.</b> Each pattern and key (requester or patient) has a sliding window of the threshold's length, in
 * the entries' own time (the time in the audit entry, so no clock is read here). When the count within the window
 * reaches the threshold, one alert is raised with the entries counted as its evidence; the window is then emptied
 * and stays quiet for one window length, so a requester who goes on raises exactly one alert per pattern per window.
 * A policy reload applies at the next entry: counts carry on and are read against the new thresholds.
 *
 * <p><b>Memory.</b> The windows live in one bounded Caffeine cache ({@link #windows()}, with statistics for the
 * metrics endpoint): at most {@code maximumWindows} keys, each forgotten after {@value #IDLE_DAYS} days without an
 * entry, each holding at most {@code 2 * threshold + 100} items. Windows are per guard instance, as the limits are.
 *
 * <p>Thread-safe: each window is updated under its own lock.
 */
public final class TracingDetector {

    /** Days after which a window with no new entry is forgotten (the longest window is a week). */
    static final int IDLE_DAYS = 8;

    private final Cache<String, Window> windows;

    /** @param maximumWindows the most windows (pattern and key) held at once */
    public TracingDetector(long maximumWindows) {
        if (maximumWindows < 1) {
            throw new IllegalArgumentException("maximumWindows must be positive");
        }
        this.windows = Caffeine.newBuilder().maximumSize(maximumWindows).expireAfterAccess(Duration.ofDays(IDLE_DAYS))
                .recordStats().build();
    }

    /** The windows, for metrics (hit rate, size, evictions). */
    public Cache<String, ?> windows() {
        return windows;
    }

    /**
     * Counts one committed audit entry and returns the alerts it raises (usually none).
     *
     * @param entry the entry as committed
     * @param seq its sequence number in the audit chain
     * @param thresholds the thresholds of the policy in force
     * @param policyVersion that policy's version, recorded with each alert
     */
    public List<TracingAlert> observe(AuditEntry entry, long seq, TracingThresholds thresholds, String policyVersion) {
        if (!thresholds.enabled() || !watched(entry)) {
            return List.of();
        }
        List<TracingAlert> alerts = new ArrayList<>();
        Mark mark = new Mark(entry.time(), seq, entry.requestId(), entry.requesterId(), entry.organisation(),
                entry.requesterClass());
        if (thresholds.refusedSearches().on() && "search-type".equals(entry.interaction())
                && (entry.outcome() == AuditOutcome.DENY || entry.outcome() == AuditOutcome.REFUSED)) {
            count(TracingPattern.REFUSED_SEARCHES, entry.requesterId(), List.of(entry.requestId()), mark,
                    thresholds.refusedSearches(), thresholds, policyVersion, "").ifPresent(alerts::add);
        }
        if (thresholds.distinctPatients().on() && !entry.patients().isEmpty()) {
            count(TracingPattern.DISTINCT_PATIENTS, entry.requesterId(), entry.patients(), mark,
                    thresholds.distinctPatients(), thresholds, policyVersion, "").ifPresent(alerts::add);
        }
        if (thresholds.samePatient().on()) {
            for (String patient : entry.patients()) {
                count(TracingPattern.SAME_PATIENT, patient, List.of(entry.requesterId()), mark,
                        thresholds.samePatient(), thresholds, policyVersion, patient).ifPresent(alerts::add);
            }
        }
        if (thresholds.outsideHours().on()) {
            Optional<TracingThresholds.UsualHours> hours =
                    thresholds.usualHoursFor(entry.requesterId(), entry.requesterClass());
            LocalTime local = LocalTime.ofInstant(entry.time(), TracingThresholds.ZONE);
            if (hours.isPresent() && !hours.get().contains(local)) {
                count(TracingPattern.OUTSIDE_HOURS, entry.requesterId(), List.of(entry.requestId()), mark,
                        thresholds.outsideHours(), thresholds, policyVersion, "").ifPresent(alerts::add);
            }
        }
        return alerts;
    }

    /** Whether an entry is a request answered to an outside, identified requester. */
    static boolean watched(AuditEntry entry) {
        return !entry.internal() && entry.status() != 0 && !"unauthenticated".equals(entry.requesterId())
                && !entry.requesterId().isBlank();
    }

    private Optional<TracingAlert> count(TracingPattern pattern, String key, List<String> items, Mark mark,
            TracingThresholds.Threshold threshold, TracingThresholds thresholds, String policyVersion,
            String patientId) {
        Window window = windows.get(pattern.code() + "|" + key, k -> new Window());
        synchronized (window) {
            return window.add(pattern, key, items, mark, threshold, thresholds.recipient(), policyVersion, patientId);
        }
    }

    /** One entry as evidence. */
    private record Mark(Instant time, long seq, String requestId, String requesterId, String organisation,
            String requesterClass) {}

    /** The items counted for one pattern and key, each with the latest entry that named it. Guarded by itself. */
    private static final class Window {

        private final LinkedHashMap<String, Mark> items = new LinkedHashMap<>();
        private Instant quietUntil = Instant.MIN;

        Optional<TracingAlert> add(TracingPattern pattern, String key, List<String> named, Mark mark,
                TracingThresholds.Threshold threshold, String recipient, String policyVersion, String patientId) {
            Instant since = mark.time().minus(threshold.window());
            Iterator<Map.Entry<String, Mark>> oldest = items.entrySet().iterator();
            while (oldest.hasNext()) {
                if (!oldest.next().getValue().time().isAfter(since)) {
                    oldest.remove();
                } else {
                    break;
                }
            }
            for (String item : named) {
                items.remove(item);
                items.put(item, mark);
            }
            int cap = 2 * threshold.count() + 100;
            Iterator<String> excess = items.keySet().iterator();
            while (items.size() > cap && excess.hasNext()) {
                excess.next();
                excess.remove();
            }
            if (items.size() < threshold.count() || mark.time().isBefore(quietUntil)) {
                return Optional.empty();
            }
            TreeMap<Long, String> evidence = new TreeMap<>();
            TreeSet<String> requesters = new TreeSet<>();
            for (Mark m : items.values()) {
                evidence.put(m.seq(), m.requestId());
                requesters.add(m.requesterId());
            }
            int observed = items.size();
            items.clear();
            quietUntil = mark.time().plus(threshold.window());
            String alertId = UUID.nameUUIDFromBytes(("tracing-alert|" + pattern.code() + "|" + key + "|"
                    + evidence.firstKey() + "|" + mark.seq()).getBytes(StandardCharsets.UTF_8)).toString();
            return Optional.of(new TracingAlert(alertId, pattern, mark.time(), mark.requesterId(), mark.organisation(),
                    mark.requesterClass(), patientId, List.copyOf(requesters), observed, threshold.count(),
                    threshold.window(), policyVersion, List.copyOf(evidence.keySet()),
                    List.copyOf(evidence.values()), recipient));
        }
    }
}

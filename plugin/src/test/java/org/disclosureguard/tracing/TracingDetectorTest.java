package org.disclosureguard.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.TracingThresholds;
import org.disclosureguard.policy.TracingThresholds.Threshold;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The tracing detector: each pattern raises exactly one alert per window, with the audit entries behind it. */
class TracingDetectorTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Threshold OFF = Threshold.OFF;

    private static TracingThresholds only(Threshold refused, Threshold patients, Threshold same, Threshold hours,
            List<TracingThresholds.UsualHours> usual) {
        return new TracingThresholds(refused, patients, same, hours, usual, "Practitioner/cg-1");
    }

    private static AuditEntry entry(String requestId, Instant time, String requester, String interaction,
            AuditOutcome outcome, int status, boolean internal, String... patients) {
        return new AuditEntry(requestId, time, "guard-1", requester, "Org of " + requester, "police", internal, "",
                "CRIMEPREV", "", "", "", interaction, "Patient", "Patient?family=x", outcome, "", "sha256:p", "",
                status, List.of(patients), List.of(), List.of(), List.of(), "", "", "");
    }

    private static AuditEntry refusedSearch(int i, Instant time, String requester) {
        return entry("req-" + i, time, requester, "search-type", AuditOutcome.DENY, 403, false);
    }

    @Test
    void tenRefusedSearches_raiseExactlyOneAlert_withTheTenEntriesAsEvidence() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(new Threshold(10, Duration.ofMinutes(10)), OFF, OFF, OFF, List.of());
        List<TracingAlert> alerts = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            alerts.addAll(detector.observe(refusedSearch(i, T0.plusSeconds(10L * i), "met-1"), 100 + i, thresholds,
                    "sha256:v1"));
        }

        assertThat(alerts).hasSize(1);
        TracingAlert alert = alerts.get(0);
        assertThat(alert.pattern()).isEqualTo(TracingPattern.REFUSED_SEARCHES);
        assertThat(alert.requesterId()).isEqualTo("met-1");
        assertThat(alert.observed()).isEqualTo(10);
        assertThat(alert.threshold()).isEqualTo(10);
        assertThat(alert.evidenceSeqs()).containsExactly(101L, 102L, 103L, 104L, 105L, 106L, 107L, 108L, 109L, 110L);
        assertThat(alert.evidenceRequestIds()).containsExactly("req-1", "req-2", "req-3", "req-4", "req-5", "req-6",
                "req-7", "req-8", "req-9", "req-10");
        assertThat(alert.raisedAt()).isEqualTo(T0.plusSeconds(100));
        assertThat(alert.recipient()).isEqualTo("Practitioner/cg-1");
        assertThat(alert.policyVersion()).isEqualTo("sha256:v1");
        assertThat(alert.summary()).isEqualTo("10 refused searches by requester met-1 (Org of met-1, police) within "
                + "10 minutes (threshold 10)");
    }

    @Test
    void aRequesterWhoGoesOn_raisesOneAlertPerWindow() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(new Threshold(5, Duration.ofMinutes(10)), OFF, OFF, OFF, List.of());
        List<TracingAlert> alerts = new ArrayList<>();
        // One refused search a minute for 35 minutes.
        for (int i = 0; i < 35; i++) {
            alerts.addAll(detector.observe(refusedSearch(i, T0.plus(Duration.ofMinutes(i)), "met-1"), i, thresholds,
                    "v"));
        }
        // The first alert at minute 4; then the window stays quiet until minute 14, when the ten searches of
        // minutes 5 to 14 are the next alert's evidence; and so on.
        assertThat(alerts).extracting(a -> Duration.between(T0, a.raisedAt()).toMinutes())
                .containsExactly(4L, 14L, 24L, 34L);
        assertThat(alerts).extracting(a -> a.evidenceSeqs().size()).containsExactly(5, 10, 10, 10);
        assertThat(alerts.get(1).evidenceSeqs()).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
    }

    @Test
    void refusedSearchesOutsideTheWindow_doNotAddUp() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(new Threshold(3, Duration.ofMinutes(10)), OFF, OFF, OFF, List.of());
        List<TracingAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            alerts.addAll(detector.observe(refusedSearch(i, T0.plus(Duration.ofMinutes(6L * i)), "met-1"), i,
                    thresholds, "v"));
        }
        assertThat(alerts).isEmpty();
    }

    @Test
    void permittedSearchesReadsInternalAndUnauthenticatedRequests_areNotCountedAsRefusedSearches() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(new Threshold(2, Duration.ofMinutes(10)), OFF, OFF, OFF, List.of());
        List<AuditEntry> entries = List.of(
                entry("a", T0, "met-1", "search-type", AuditOutcome.PERMIT, 200, false),
                entry("b", T0, "met-1", "read", AuditOutcome.DENY, 403, false),
                entry("c", T0, "staff-1", "search-type", AuditOutcome.DENY, 403, true),
                entry("d", T0, "staff-1", "search-type", AuditOutcome.DENY, 403, true),
                entry("e", T0, "unauthenticated", "search-type", AuditOutcome.REFUSED, 401, false),
                entry("f", T0, "unauthenticated", "search-type", AuditOutcome.REFUSED, 401, false),
                entry("g", T0, "met-1", "search-type", AuditOutcome.DENY, 0, false));
        List<TracingAlert> alerts = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            alerts.addAll(detector.observe(entries.get(i), i, thresholds, "v"));
        }
        assertThat(alerts).isEmpty();
        assertThat(detector.observe(entry("h", T0, "met-1", "search-type", AuditOutcome.REFUSED, 429, false), 8,
                thresholds, "v")).isEmpty();
        assertThat(detector.observe(entry("i", T0, "met-1", "search-type", AuditOutcome.DENY, 403, false), 9,
                thresholds, "v")).hasSize(1);
    }

    @Test
    void manyDistinctPatients_raiseOneAlert_andRepeatsOfOnePatientDoNotCount() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(OFF, new Threshold(4, Duration.ofHours(1)), OFF, OFF, List.of());
        List<TracingAlert> alerts = new ArrayList<>();
        String[][] asked = {{"p1"}, {"p1"}, {"p2"}, {"p1", "p2"}, {"p3"}, {"p4", "p5"}, {"p6"}};
        for (int i = 0; i < asked.length; i++) {
            alerts.addAll(detector.observe(entry("r" + i, T0.plusSeconds(i), "ho-1", "read", AuditOutcome.PERMIT,
                    200, false, asked[i]), 10 + i, thresholds, "v"));
        }
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).pattern()).isEqualTo(TracingPattern.DISTINCT_PATIENTS);
        assertThat(alerts.get(0).observed()).isEqualTo(5);
        // The latest entry that named each patient: p1 and p2 by 13, p3 by 14, p4 and p5 by 15.
        assertThat(alerts.get(0).evidenceSeqs()).containsExactly(13L, 14L, 15L);
        assertThat(alerts.get(0).summary()).doesNotContain("p1", "p4");
    }

    @Test
    void onePatientAskedAboutByThreeRequesters_raisesOneAlertNamingThem() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(OFF, OFF, new Threshold(3, Duration.ofDays(1)), OFF, List.of());
        List<TracingAlert> alerts = new ArrayList<>();
        String[] requesters = {"met-1", "met-1", "ho-1", "dwp-1", "hmrc-1", "met-1"};
        for (int i = 0; i < requesters.length; i++) {
            alerts.addAll(detector.observe(entry("r" + i, T0.plus(Duration.ofHours(i)), requesters[i], "read",
                    AuditOutcome.PERMIT, 200, false, "9000000009"), 50 + i, thresholds, "v"));
        }
        assertThat(alerts).hasSize(1);
        TracingAlert alert = alerts.get(0);
        assertThat(alert.pattern()).isEqualTo(TracingPattern.SAME_PATIENT);
        assertThat(alert.patientId()).isEqualTo("9000000009");
        assertThat(alert.requesters()).containsExactly("dwp-1", "ho-1", "met-1");
        assertThat(alert.evidenceSeqs()).containsExactly(51L, 52L, 53L);
        assertThat(alert.summary()).doesNotContain("9000000009");
        assertThat(alert.auditEntry("guard-1").patients()).containsExactly("9000000009");
    }

    @Test
    void requestsOutsideUsualHours_inLondonTime_raiseOneAlert() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(OFF, OFF, OFF, new Threshold(2, Duration.ofHours(1)),
                List.of(new TracingThresholds.UsualHours("", "police", LocalTime.of(7, 0), LocalTime.of(19, 0))));
        // 1 July: British Summer Time, UTC+1. 06:30 UTC is 07:30 in London: within the usual hours.
        Instant summerMorning = Instant.parse("2026-07-01T06:30:00Z");
        assertThat(detector.observe(entry("a", summerMorning, "met-1", "read", AuditOutcome.PERMIT, 200, false), 1,
                thresholds, "v")).isEmpty();
        assertThat(detector.observe(entry("b", summerMorning.plusSeconds(60), "met-1", "read", AuditOutcome.PERMIT,
                200, false), 2, thresholds, "v")).isEmpty();
        // 05:30 UTC is 06:30 in London: outside.
        Instant early = Instant.parse("2026-07-01T05:30:00Z");
        assertThat(detector.observe(entry("c", early, "met-1", "read", AuditOutcome.PERMIT, 200, false), 3,
                thresholds, "v")).isEmpty();
        List<TracingAlert> alerts = detector.observe(entry("d", early.plusSeconds(60), "met-1", "read",
                AuditOutcome.PERMIT, 200, false), 4, thresholds, "v");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.pattern()).isEqualTo(TracingPattern.OUTSIDE_HOURS);
            assertThat(a.evidenceSeqs()).containsExactly(3L, 4L);
        });
        assertThat(detector.observe(entry("e", early.plusSeconds(120), "met-1", "read", AuditOutcome.PERMIT, 200,
                false), 5, thresholds, "v")).isEmpty();
    }

    @Test
    void aRequesterWithoutUsualHours_isNeverAlertedOnForTheTime() {
        TracingDetector detector = new TracingDetector(1_000);
        TracingThresholds thresholds = only(OFF, OFF, OFF, new Threshold(1, Duration.ofHours(1)),
                List.of(new TracingThresholds.UsualHours("", "tax", LocalTime.of(7, 0), LocalTime.of(19, 0))));
        assertThat(detector.observe(entry("a", Instant.parse("2026-11-23T03:00:00Z"), "met-1", "read",
                AuditOutcome.PERMIT, 200, false), 1, thresholds, "v")).isEmpty();
    }

    @Test
    void aPolicyReloadWithALowerThreshold_appliesAtTheNextEntry() {
        TracingDetector detector = new TracingDetector(1_000);
        PolicyEngine before = PolicyEngine.compile("p.yaml", policy(10));
        PolicyEngine after = PolicyEngine.compile("p.yaml", policy(4));
        for (int i = 0; i < 3; i++) {
            assertThat(detector.observe(refusedSearch(i, T0.plusSeconds(i), "met-1"), i, before.tracing(),
                    before.version())).isEmpty();
        }
        List<TracingAlert> alerts = detector.observe(refusedSearch(3, T0.plusSeconds(3), "met-1"), 3, after.tracing(),
                after.version());
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.threshold()).isEqualTo(4);
            assertThat(a.policyVersion()).isEqualTo(after.version()).isNotEqualTo(before.version());
            assertThat(a.evidenceSeqs()).containsExactly(0L, 1L, 2L, 3L);
        });
    }

    private static byte[] policy(int refusedSearches) {
        return ("""
                version: 1
                requesterClasses: [police]
                purposes: [CRIMEPREV]
                legalBases: [SERIOUS-CRIME]
                rules: []
                tracing:
                  refusedSearches: {count: %d, windowMinutes: 10}
                """.formatted(refusedSearches)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theWindows_areABoundedCacheWithStatistics() {
        TracingDetector detector = new TracingDetector(3);
        TracingThresholds thresholds = only(new Threshold(100, Duration.ofMinutes(10)), OFF, OFF, OFF, List.of());
        for (int i = 0; i < 50; i++) {
            detector.observe(refusedSearch(i, T0, "requester-" + i), i, thresholds, "v");
        }
        detector.windows().cleanUp();
        assertThat(detector.windows().estimatedSize()).isLessThanOrEqualTo(3);
        assertThat(detector.windows().stats().requestCount()).isEqualTo(50);
        assertThat(detector.windows().stats().evictionCount()).isGreaterThanOrEqualTo(47);
    }

    /**
     * Invariant over random traffic: for each requester, alerts on refused searches are at least one window apart,
     * each has exactly {@code count} entries of that requester as evidence, and no entry is evidence twice.
     */
    @TestFactory
    Stream<DynamicTest> randomTraffic_alertsAreOneWindowApart_withDisjointEvidence() {
        return Stream.of(11L, 12345L, 987654321L).map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Random random = new Random(seed);
            TracingDetector detector = new TracingDetector(1_000);
            Duration window = Duration.ofMinutes(5);
            TracingThresholds thresholds = only(new Threshold(4, window), OFF, OFF, OFF, List.of());
            List<TracingAlert> alerts = new ArrayList<>();
            java.util.Map<Long, String> requesterOf = new java.util.HashMap<>();
            Instant time = T0;
            for (int i = 0; i < 2_000; i++) {
                time = time.plusSeconds(random.nextInt(40));
                String requester = "r" + random.nextInt(3);
                requesterOf.put((long) i, requester);
                AuditOutcome outcome = random.nextInt(3) == 0 ? AuditOutcome.PERMIT : AuditOutcome.DENY;
                alerts.addAll(detector.observe(entry("q" + i, time, requester, "search-type", outcome,
                        outcome == AuditOutcome.PERMIT ? 200 : 403, false), i, thresholds, "v"));
            }
            assertThat(alerts).isNotEmpty();
            java.util.Set<Long> used = new java.util.HashSet<>();
            java.util.Map<String, Instant> last = new java.util.HashMap<>();
            for (TracingAlert alert : alerts) {
                assertThat(alert.evidenceSeqs()).hasSizeGreaterThanOrEqualTo(4);
                assertThat(alert.observed()).isEqualTo(alert.evidenceSeqs().size());
                assertThat(alert.evidenceSeqs()).allSatisfy(seq -> {
                    assertThat(requesterOf.get(seq)).isEqualTo(alert.requesterId());
                    assertThat(used.add(seq)).as("entry %d is evidence once", seq).isTrue();
                });
                Instant previous = last.put(alert.requesterId(), alert.raisedAt());
                if (previous != null) {
                    assertThat(Duration.between(previous, alert.raisedAt())).isGreaterThanOrEqualTo(window);
                }
            }
        }));
    }
}

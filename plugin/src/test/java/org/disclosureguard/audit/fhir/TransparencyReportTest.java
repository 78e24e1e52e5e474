package org.disclosureguard.audit.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.fhir.TransparencyReport.Cell;
import org.disclosureguard.audit.fhir.TransparencyReport.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransparencyReportTest {

    static final LocalDate FROM = LocalDate.of(2026, 1, 1);
    static final LocalDate UNTIL = LocalDate.of(2027, 1, 1);

    static Options options(int threshold) {
        return new Options("Riverside Surgery", FROM, UNTIL, ZoneId.of("Europe/London"), threshold);
    }

    /** A hand-counted year: 3 police (2 released, 1 escalated then approved 6 h later), 2 Home Office refused,
     *  1 unauthenticated refusal, 1 NHS provider, the practice's own access (not counted), one entry in 2025. */
    static List<AuditEntry> handCounted() {
        List<AuditEntry> list = new ArrayList<>();
        list.add(Entries.entry().with(e -> { e.requestId = "a"; e.time = Instant.parse("2026-01-15T10:00:00Z"); }).build());
        list.add(Entries.entry().with(e -> {
            e.requestId = "b";
            e.time = Instant.parse("2026-02-15T10:00:00Z");
            e.outcome = AuditOutcome.REDACT;
        }).build());
        list.add(Entries.entry().with(e -> {
            e.requestId = "c";
            e.time = Instant.parse("2026-03-15T10:00:00Z");
            e.reviewCase = "RC-1";
        }).notReleased(AuditOutcome.ESCALATE, "DG-2105", 403).build());
        list.add(Entries.entry().with(e -> {
            e.requestId = "c2";
            e.time = Instant.parse("2026-03-15T16:00:00Z");
            e.reviewCase = "RC-1";
            e.reviewer = "Dr G";
        }).build());
        for (String id : List.of("d", "e")) {
            list.add(Entries.entry().with(e -> {
                e.requestId = id;
                e.time = Instant.parse("2026-03-20T10:00:00Z");
                e.requesterClass = "immigration-enforcement";
                e.purposeOfUse = "IMMIGENF";
                e.legalBasis = "IMMIGRATION-ADMIN";
            }).notReleased(AuditOutcome.DENY, "DG-2101", 403).build());
        }
        list.add(Entries.entry().with(e -> {
            e.requestId = "f";
            e.time = Instant.parse("2026-03-21T10:00:00Z");
            e.requesterClass = "";
            e.purposeOfUse = "";
            e.legalBasis = "";
        }).notReleased(AuditOutcome.REFUSED, "DG-1301", 401).build());
        list.add(Entries.entry().with(e -> {
            e.requestId = "g";
            e.time = Instant.parse("2026-12-31T23:30:00Z");
            e.requesterClass = "nhs-provider";
            e.purposeOfUse = "TREAT";
            e.legalBasis = "DIRECT-CARE";
        }).build());
        list.add(Entries.entry().internal().with(e -> e.requestId = "h").build());
        list.add(Entries.entry().with(e -> { e.requestId = "i"; e.time = Instant.parse("2025-12-31T10:00:00Z"); }).build());
        return list;
    }

    @Test
    void figures_matchAHandCountedYear_withoutSuppression() {
        TransparencyReport report = TransparencyReport.of(handCounted(), options(0));
        assertThat(counts(report.totals().values().stream().toList()))
                .containsExactly(Map.entry("requests", 7L), Map.entry("disclosures", 4L),
                        Map.entry("refusals", 3L), Map.entry("escalations", 1L));
        assertThat(counts(report.group("requestsByRequesterClass"))).containsExactly(
                Map.entry("police", 3L), Map.entry("immigration-enforcement", 2L), Map.entry("nhs-provider", 1L),
                Map.entry("unidentified", 1L));
        assertThat(counts(report.group("requestsByPurpose"))).containsEntry("CRIMEPREV", 3L)
                .containsEntry("IMMIGENF", 2L).containsEntry("TREAT", 1L).containsEntry("not-stated", 1L);
        assertThat(counts(report.group("decisionsByOutcome"))).containsExactly(
                Map.entry("permit", 2L), Map.entry("redact", 1L), Map.entry("deny", 2L), Map.entry("escalate", 1L),
                Map.entry("refused", 1L), Map.entry("failed", 0L));
        assertThat(counts(report.group("escalationsByResolution"))).containsEntry("approved", 1L)
                .containsEntry("pending", 0L);
        assertThat(counts(report.group("refusalsByReason"))).containsExactly(
                Map.entry("DG-2101", 2L), Map.entry("DG-1301", 1L));
        assertThat(report.medianHours()).isEqualTo(6.0);
        assertThat(report.maxHours()).isEqualTo(6.0);
        assertThat(report.months()).hasSize(12);
        assertThat(report.months().get(2).requests().count()).as("March").isEqualTo(4);
        assertThat(report.months().get(11).requests().count())
                .as("23:30 UTC on 31 December is still December in London").isEqualTo(1);
    }

    @Test
    void smallCounts_areShownAsFewerThanFive_andASingleHiddenCountIsProtectedBySecondarySuppression() {
        List<Cell> cells = TransparencyReport.suppress(List.of(
                new Cell("police", "police", 12, false),
                new Cell("nhs-provider", "nhs", 7, false),
                new Cell("immigration-enforcement", "immigration", 3, false),
                new Cell("tax", "tax", 0, false)), 5);
        assertThat(cells).extracting(Cell::key, Cell::suppressed).containsExactly(
                org.assertj.core.groups.Tuple.tuple("police", false),
                org.assertj.core.groups.Tuple.tuple("nhs-provider", true),
                org.assertj.core.groups.Tuple.tuple("immigration-enforcement", true),
                org.assertj.core.groups.Tuple.tuple("tax", false));

        List<Cell> two = TransparencyReport.suppress(List.of(new Cell("a", "a", 9, false),
                new Cell("b", "b", 2, false), new Cell("c", "c", 1, false)), 5);
        assertThat(two).extracting(Cell::suppressed).containsExactly(false, true, true);
    }

    @Test
    void json_publishesSuppressedCountsAsNullWithTheirWording_andTheReviewTimeOnlyForEnoughCases() throws Exception {
        TransparencyReport report = TransparencyReport.of(handCounted(), options(TransparencyReport.DEFAULT_THRESHOLD));
        JsonNode json = new ObjectMapper().readTree(report.json());
        assertThat(json.get("schema").asText()).isEqualTo(TransparencyReport.SCHEMA);
        assertThat(json.get("suppression").get("threshold").asInt()).isEqualTo(5);
        JsonNode requests = json.get("totals").get("requests");
        assertThat(requests.get("count").asLong()).isEqualTo(7);
        JsonNode disclosures = json.get("totals").get("disclosures");
        assertThat(disclosures.get("count").isNull()).isTrue();
        assertThat(disclosures.get("suppressed").asBoolean()).isTrue();
        assertThat(disclosures.get("shown").asText()).isEqualTo("fewer than 5");
        JsonNode time = json.get("escalations").get("timeToDecision");
        assertThat(time.get("published").asBoolean()).isFalse();
        assertThat(time.get("medianHours").isNull()).isTrue();
        assertThat(json.get("months")).hasSize(12);
        assertThat(fieldNames(json)).containsExactly("schema", "practice", "period", "suppression", "totals",
                "requestsByRequesterClass", "requestsByPurpose", "requestsByLegalBasis", "decisionsByOutcome",
                "refusalsByReason", "escalations", "months");
        for (JsonNode cell : json.get("requestsByRequesterClass")) {
            assertThat(fieldNames(cell)).containsExactly("key", "label", "count", "suppressed", "shown");
            if (cell.get("count").isNumber()) {
                long n = cell.get("count").asLong();
                assertThat(n == 0 || n >= 5).as(cell.toString()).isTrue();
            }
        }
    }

    @Test
    void threshold_isConfigurable_andValidated() {
        TransparencyReport report = TransparencyReport.of(handCounted(), options(10));
        assertThat(report.totals().get("requests").suppressed()).isTrue();
        assertThat(report.shown(report.totals().get("requests"))).isEqualTo("fewer than 10");
        assertThatThrownBy(() -> options(-1)).hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> new Options("p", UNTIL, FROM, ZoneId.of("UTC"), 5)).hasMessageContaining("end after");
    }

    @Test
    void noIdentifyingText_reachesTheJsonOrThePage_evenWhenEveryTextFieldCarriesACanary() {
        List<AuditEntry> entries = new ArrayList<>();
        Random random = new Random(20260314L);
        for (int i = 0; i < 300; i++) {
            boolean codesToo = i % 3 == 0;
            AuditOutcome outcome = AuditOutcome.values()[random.nextInt(AuditOutcome.values().length)];
            int n = i;
            Entries e = Entries.entry().with(x -> {
                x.requestId = "CANARYrequestId" + n;
                x.time = Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofHours(random.nextInt(24 * 360)));
                x.instance = "CANARYinstance";
                x.requesterId = "CANARYrequesterId";
                x.organisation = "CANARYorganisation";
                x.credential = "jti:CANARYcredential";
                x.caseReference = "CANARYcaseReference";
                x.requestingOfficer = "CANARYofficer";
                x.interaction = codesToo ? "CANARYinteraction" : "read";
                x.resourceType = "CANARYresourceType";
                x.target = "Patient/CANARYtarget";
                x.ruleId = "CANARYruleId";
                x.policyVersion = "sha256:CANARYpolicy";
                x.patients = List.of("CANARYpatient" + n);
                x.released = List.of("Patient/CANARYreleased" + n);
                x.withheld = List.of("Patient/CANARYreleased" + n + " CANARYwithheld");
                x.labels = List.of("CANARYsystem|CANARYlabel");
                x.responseSha256 = "CANARYsha";
                x.reviewCase = "CANARYreviewCase" + (n / 2);
                x.reviewer = "CANARYreviewer";
                if (codesToo) {
                    x.requesterClass = "CANARYrequesterClass";
                    x.purposeOfUse = "CANARYpurpose";
                    x.legalBasis = "CANARYlegalBasis";
                }
                x.outcome = outcome;
                x.code = "CANARYcode";
            });
            entries.add(e.build());
        }
        TransparencyReport report = TransparencyReport.of(entries, options(5));
        assertThat(report.totals().get("requests").count()).as("the canaries are real entries").isGreaterThan(100);
        assertThat(report.json()).doesNotContainIgnoringCase("canary");
        assertThat(report.html()).doesNotContainIgnoringCase("canary");
        assertThat(TransparencyReport.of(entries, options(0)).html()).doesNotContainIgnoringCase("canary");
    }

    /** A seeded year of 500 entries (10% the practice's own), every outcome and class, some unknown codes. */
    static List<AuditEntry> seededYear(long seed) {
        Random random = new Random(seed);
        List<AuditEntry> entries = new ArrayList<>();
        String[] classes = {"police", "police", "police", "immigration-enforcement", "nhs-provider", "nhs-provider",
            "benefits", "local-authority", "", "made-up"};
        String[] purposes = {"CRIMEPREV", "IMMIGENF", "TREAT", "SAFEGUARD", "BENEFITFRAUD", ""};
        for (int i = 0; i < 500; i++) {
            int n = i;
            entries.add(Entries.entry().with(x -> {
                x.requestId = "s" + n;
                x.time = Instant.parse("2025-12-01T00:00:00Z").plus(Duration.ofHours(random.nextInt(24 * 420)));
                x.requesterClass = classes[random.nextInt(classes.length)];
                x.purposeOfUse = purposes[random.nextInt(purposes.length)];
                x.internal = random.nextInt(10) == 0;
                x.outcome = AuditOutcome.values()[random.nextInt(AuditOutcome.values().length)];
                if (!x.outcome.released()) {
                    x.released = List.of();
                }
            }).build());
        }
        return entries;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7L, 42L, 20260314L})
    void seededYears_outcomesAndClassesEachSumToTheRequests_andTheMonthsToo(long seed) {
        List<AuditEntry> entries = seededYear(seed);
        TransparencyReport report = TransparencyReport.of(entries, options(0));
        long requests = report.totals().get("requests").count();
        assertThat(sum(report.group("decisionsByOutcome"))).isEqualTo(requests);
        assertThat(sum(report.group("requestsByRequesterClass"))).isEqualTo(requests);
        assertThat(report.months().stream().mapToLong(m -> m.requests().count()).sum()).isEqualTo(requests);
        assertThat(report.group("requestsByRequesterClass")).extracting(Cell::key).doesNotContain("made-up");
    }

    @Test
    void page_isSelfContained_withAChartPerGroup() {
        String html = TransparencyReport.of(handCounted(), options(5)).html();
        assertThat(html).doesNotContainPattern("(?i)<(script|link|iframe|object|embed|img)\\b")
                .doesNotContainPattern("(?i)<[a-z][^>]*\\s(src|href|on[a-z]+)\\s*=")
                .doesNotContainPattern("(?i)url\\(\\s*['\"]?(https?:|//)");
        assertThat(html.split("<svg ", -1)).hasSize(7 + 1);
        assertThat(html).contains("fewer than 5", "Who asked", "Month by month");
    }

    private static Map<String, Long> counts(List<Cell> cells) {
        return cells.stream().collect(Collectors.toMap(Cell::key, Cell::count, (a, b) -> a,
                java.util.LinkedHashMap::new));
    }

    private static long sum(List<Cell> cells) {
        return cells.stream().mapToLong(Cell::count).sum();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

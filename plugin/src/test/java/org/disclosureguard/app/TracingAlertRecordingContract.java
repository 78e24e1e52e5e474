package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.StoredEntry;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.notification.Notice;
import org.disclosureguard.notification.NoticeFactory;
import org.disclosureguard.notification.NoticeJson;
import org.disclosureguard.notification.NoticeText;
import org.disclosureguard.notification.NotificationOutbox;
import org.disclosureguard.notification.OutboxRow;
import org.disclosureguard.notification.PlainWords;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.tracing.AlertPages;
import org.disclosureguard.tracing.TracingAlert;
import org.disclosureguard.tracing.TracingAlerts;
import org.disclosureguard.tracing.TracingDetector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tracing pattern in the committed audit trail raises exactly one alert: one audit entry of its own, one stored
 * alert naming the entries behind it, and one notice to the Caldicott Guardian per channel, all in one transaction;
 * the notice names no patient. Run on H2 ({@link TracingAlertRecordingTest}) and PostgreSQL
 * ({@link PostgresTracingAlertRecordingTest}).
 */
abstract class TracingAlertRecordingContract {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final String POLICY = """
            version: 1
            requesterClasses: [police]
            purposes: [CRIMEPREV]
            legalBases: [SERIOUS-CRIME]
            rules: []
            tracing:
              notify: Practitioner/cg-1
              refusedSearches: {count: 5, windowMinutes: 10}
              samePatient: {requesters: 2, windowMinutes: 60}
            """;

    private JdbcAuditStore store;
    private NotificationOutbox outbox;
    private TracingAlerts alerts;
    private TracingDetector detector;
    private PolicyStore policies;

    /** A new, empty database. */
    abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        DataSource dataSource = freshDatabase();
        GuardDatabase.migrate(dataSource);
        store = new JdbcAuditStore(dataSource);
        outbox = new NotificationOutbox(dataSource, new NoticeFactory(PlainWords.fromConformanceResources(),
                URI.create("https://gp.example/guard/disclosures/")), List.of("fhir-inbox", "webhook"),
                Clock.systemUTC());
        alerts = new TracingAlerts(dataSource);
        detector = new TracingDetector(1_000);
        policies = PolicyStore.of(PolicyEngine.compile("p.yaml", POLICY.getBytes(StandardCharsets.UTF_8)),
                Clock.systemUTC());
    }

    private long record(AuditEntry entry) {
        long seq = store.append(entry, List.of()).seq();
        AuditConfiguration.raiseAlerts(entry, seq, store, outbox, policies, detector, alerts, "guard-1");
        return seq;
    }

    private static AuditEntry refusedSearch(int i, String requester, String... patients) {
        return new AuditEntry("search-" + requester + "-" + i, T0.plusSeconds(i), "guard-1", requester,
                "Metropolitan Police", "police", false, "", "CRIMEPREV", "SERIOUS-CRIME", "CASE-1", "", "search-type",
                "Patient", "Patient?family=Smith&birthdate=1980-01-0" + (i % 10), AuditOutcome.DENY,
                "default-deny", "sha256:p", "DG-2102", 403, List.of(patients), List.of(), List.of(), List.of(), "",
                "", "");
    }

    @Test
    void aBurstOfRefusedSearches_raisesExactlyOneAlert_auditedAndSentToTheGuardian_withItsEvidence() {
        List<Long> behind = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            long seq = record(refusedSearch(i, "met-1"));
            if (i < 5) {
                behind.add(seq);
            }
        }

        List<TracingAlerts.Stored> stored = alerts.recent(10);
        assertThat(stored).hasSize(1);
        TracingAlert alert = stored.get(0).alert();
        assertThat(alert.evidenceSeqs()).containsExactlyElementsOf(behind);
        assertThat(alert.evidenceRequestIds()).containsExactly("search-met-1-0", "search-met-1-1", "search-met-1-2",
                "search-met-1-3", "search-met-1-4");
        assertThat(alerts.find(alert.alertId())).contains(stored.get(0));

        List<StoredEntry> own = store.byRequestId(alert.alertId());
        assertThat(own).singleElement().satisfies(e -> {
            assertThat(e.seq()).isEqualTo(stored.get(0).auditSeq());
            assertThat(e.entry().interaction()).isEqualTo(TracingAlert.INTERACTION);
            assertThat(e.entry().internal()).isTrue();
            assertThat(e.entry().code()).isEqualTo("DG-2501");
            assertThat(e.entry().ruleId()).isEqualTo("tracing:refused-searches");
            assertThat(e.entry().policyVersion()).isEqualTo(policies.version());
        });
        // 12 requests and one alert: the chain holds 13 entries.
        assertThat(store.entriesFrom(0, 100)).hasSize(13);

        List<OutboxRow> rows = outbox.rows(stored.get(0).auditSeq());
        assertThat(rows).extracting(OutboxRow::channel).containsExactlyInAnyOrder("fhir-inbox", "webhook");
        Notice notice = NoticeJson.read(rows.get(0).noticeJson());
        assertThat(notice.kind()).isEqualTo(Notice.TRACING_ALERT);
        assertThat(notice.clinicianReference()).isEqualTo("Practitioner/cg-1");
        assertThat(notice.patientId()).isEmpty();
        assertThat(notice.detailsLink()).isEqualTo(AlertPages.PATH + "/" + alert.alertId());
        String text = NoticeText.summary(notice) + "\n" + NoticeText.body(notice) + rows.get(0).noticeJson();
        assertThat(text).contains("Possible tracing by Metropolitan Police", "5 refused searches", "met-1",
                "within 10 minutes", "/staff/alerts/" + alert.alertId());
        assertThat(text).as("the searches' own terms are not in the notice").doesNotContain("Smith", "1980",
                "CASE-1");
    }

    @Test
    void onePatientAskedAboutByTwoRequesters_alertsOnce_andTheStaffPageLinksThePatientAndTheEntries() {
        long first = record(refusedSearch(1, "met-1", "pat-7"));
        long second = record(refusedSearch(2, "ho-1", "pat-7"));
        record(refusedSearch(3, "dwp-1", "pat-7"));

        List<TracingAlerts.Stored> stored = alerts.recent(10);
        assertThat(stored).singleElement().satisfies(s -> {
            assertThat(s.alert().patientId()).isEqualTo("pat-7");
            assertThat(s.alert().evidenceSeqs()).containsExactly(first, second);
        });
        Notice notice = NoticeJson.read(outbox.rows(stored.get(0).auditSeq()).get(0).noticeJson());
        assertThat(NoticeText.body(notice)).doesNotContain("pat-7");

        List<StoredEntry> evidence = new ArrayList<>();
        stored.get(0).alert().evidenceSeqs().forEach(seq -> evidence.add(store.entriesFrom(seq, 1).get(0)));
        String page = AlertPages.alert(stored.get(0), evidence);
        assertThat(page).contains("/staff/audit/patients/pat-7/accounting", "search-met-1-1", "search-ho-1-2")
                .doesNotContain("<script");
        assertThat(AlertPages.list(stored)).contains(AlertPages.PATH + "/" + stored.get(0).alert().alertId());
    }
}

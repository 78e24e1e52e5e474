package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Notices for held and refused requests about a restricted patient's record, on an H2 file database. */
class RestrictedRecordNoticeTest {

    private TestDatabases.H2Database database;
    private JdbcAuditStore audit;
    private NotificationOutbox outbox;

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabases.freshH2(Path.of("target", "notification-restricted-h2"));
        GuardDatabase.migrate(database.dataSource());
        audit = new JdbcAuditStore(database.dataSource());
        outbox = new NotificationOutbox(database.dataSource(), Disclosures.FACTORY, List.of("fhir-inbox", "webhook"),
                new Disclosures.MutableClock(Disclosures.T0));
    }

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    /** An immigration-enforcement request about {@code patients}, ending with {@code outcome}; nothing released. */
    static AuditEntry immigration(String requestId, AuditOutcome outcome, List<String> patients, boolean internal) {
        return new AuditEntry(requestId, Disclosures.T0, "guard-1", "home-office-1", "Home Office Immigration "
                + "Enforcement", "immigration-enforcement", internal, "jti:x", "CRIMEPREV", "SERIOUS-CRIME", "HO-77",
                "IO 9", "search-type", "Patient", "Patient?identifier=CANARYTARGET&address-postcode=CANARYPOSTCODE",
                outcome, "immigration-serious-crime-escalated", "sha256:ab", "DG-2001", 403, patients, List.of(),
                List.of(), List.of(), "", outcome == AuditOutcome.ESCALATE ? "case-1" : "", "");
    }

    @Test
    void heldRequestAboutRestrictedPatient_writesOneHeldNoticePerChannel_withNoData() {
        AuditEntry entry = immigration("req-h", AuditOutcome.ESCALATE, List.of("pat-1"), false);

        long seq = audit.append(entry, outbox.writesFor(entry, Disclosures.subjects(List.of("pat-1")), true)).seq();

        List<OutboxRow> rows = outbox.rows(seq);
        assertThat(rows).hasSize(2).extracting(OutboxRow::channel).containsExactlyInAnyOrder("fhir-inbox", "webhook");
        Notice notice = NoticeJson.read(rows.get(0).noticeJson());
        assertThat(notice.kind()).isEqualTo(Notice.RESTRICTED_HELD);
        assertThat(notice.restricted()).isTrue();
        assertThat(notice.records()).isEmpty();
        assertThat(notice.withheldElements()).isZero();
        assertThat(notice.maskedNhsNumber()).isEqualTo("*** *** 0009");
        assertThat(notice.clinicianReference()).isEqualTo("Practitioner/gp-1");
        assertThat(notice.noticeId()).isNotEqualTo(NoticeFactory.noticeId(seq, "req-h", "pat-1"));
        assertThat(NoticeText.summary(notice)).isEqualTo("Request for a restricted record held for review: "
                + "Home Office Immigration Enforcement (immigration enforcement)");
        assertThat(NoticeText.body(notice))
                .startsWith("A request for your patient's restricted record Patient/pat-1 (NHS number *** *** 0009) "
                        + "from Home Office Immigration Enforcement (immigration enforcement) on 23 November 2026 at "
                        + "09:30 GMT was held for review by the Caldicott Guardian.\nNothing was released while the "
                        + "request is held.\n")
                .contains("Their case reference: HO-77.")
                .doesNotContain("Records released")
                .doesNotContain("CANARY");
    }

    @Test
    void refusedRequestAboutRestrictedPatient_isARefusedNotice_withItsOwnWebhookType() throws Exception {
        AuditEntry entry = immigration("req-d", AuditOutcome.DENY, List.of("pat-1"), false);

        long seq = audit.append(entry, outbox.writesFor(entry, Disclosures.subjects(List.of("pat-1")), true)).seq();

        Notice notice = NoticeJson.read(outbox.rows(seq).get(0).noticeJson());
        assertThat(notice.kind()).isEqualTo(Notice.RESTRICTED_REFUSED);
        assertThat(NoticeText.summary(notice)).startsWith("Request for a restricted record refused: ");
        assertThat(NoticeText.body(notice)).contains(" was refused.\nNothing was released.\n");
        JsonNode body = new ObjectMapper().readTree(WebhookChannel.body(notice));
        assertThat(body.path("type").asText()).isEqualTo("restricted-record.refused");
        assertThat(body.path("data").path("kind").asText()).isEqualTo("restricted-refused");
        assertThat(WebhookChannel.body(notice)).doesNotContain("CANARY");
    }

    @Test
    void heldOrRefusedRequest_withoutRestrictedFlag_orFromThePractice_orFailed_writesNothing() {
        assertThat(outbox.writesFor(immigration("r1", AuditOutcome.ESCALATE, List.of("pat-1"), false),
                Disclosures.subjects(List.of("pat-1")), false)).isEmpty();
        assertThat(outbox.writesFor(immigration("r2", AuditOutcome.DENY, List.of("pat-1"), true),
                Disclosures.subjects(List.of("pat-1")), true)).isEmpty();
        assertThat(outbox.writesFor(immigration("r3", AuditOutcome.REFUSED, List.of("pat-1"), false),
                Disclosures.subjects(List.of("pat-1")), true)).isEmpty();
        assertThat(outbox.writesFor(immigration("r4", AuditOutcome.FAILED, List.of("pat-1"), false),
                Disclosures.subjects(List.of("pat-1")), true)).isEmpty();
    }

    @Test
    void disclosure_withRestrictedFlag_isTheUnchangedDisclosureNotice() {
        AuditEntry entry = Disclosures.police("req-p", List.of("pat-1"));

        long seq = audit.append(entry, outbox.writesFor(entry, Disclosures.subjects(List.of("pat-1")), true)).seq();

        Notice notice = NoticeJson.read(outbox.rows(seq).get(0).noticeJson());
        assertThat(notice.kind()).isEqualTo(Notice.DISCLOSURE);
        assertThat(notice).isEqualTo(Disclosures.FACTORY.notices(entry, seq, Disclosures.subjects(List.of("pat-1")))
                .get(0));
        assertThat(NoticeText.summary(notice)).isEqualTo("Patient data disclosed to Metropolitan Police (police)");
    }

    @Test
    void refusedSearchByNhsNumber_acceptsTheResolvedPatient() {
        AuditEntry entry = immigration("req-i", AuditOutcome.DENY,
                List.of("https://fhir.nhs.uk/Id/nhs-number|9000000009"), false);

        long seq = audit.append(entry, outbox.writesFor(entry, Disclosures.subjects(List.of("pat-9")), true)).seq();

        assertThat(outbox.rows(seq)).hasSize(2)
                .allSatisfy(r -> assertThat(NoticeJson.read(r.noticeJson()).patientId()).isEqualTo("pat-9"));
    }

    @Test
    void restrictedSubjects_thatDoNotFitTheEntry_areRefusedBeforeAnythingIsWritten() {
        AuditEntry entry = immigration("req-x", AuditOutcome.ESCALATE, List.of("pat-1"), false);

        assertThatThrownBy(() -> outbox.writesFor(entry, List.of(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("DG-6007");
        assertThatThrownBy(() -> outbox.writesFor(entry, Disclosures.subjects(List.of("pat-2")), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("DG-6007");
        assertThatThrownBy(() -> outbox.writesFor(entry, Disclosures.subjects(List.of("pat-1", "pat-1")), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("DG-6007");
        assertThat(outbox.rowsWithStatus("pending", 10)).isEmpty();
    }

    @Test
    void storedNoticeWithoutKind_readsAsADisclosure() {
        Notice notice = Disclosures.notice("req-old");
        String json = NoticeJson.write(notice).replace("\"kind\":\"disclosure\",", "");

        assertThat(json).doesNotContain("\"kind\"");
        assertThat(NoticeJson.read(json)).isEqualTo(notice);
    }
}

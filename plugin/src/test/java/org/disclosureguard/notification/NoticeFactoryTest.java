package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoticeFactoryTest {

    @Test
    void policeDisclosure_becomesAThinNoticeWithPlainWords() {
        Notice n = Disclosures.FACTORY.notices(Disclosures.police("req-1"), 42,
                Disclosures.subjects(List.of("pat-1"))).get(0);

        assertThat(n.auditSeq()).isEqualTo(42);
        assertThat(n.requestId()).isEqualTo("req-1");
        assertThat(n.patientId()).isEqualTo("pat-1");
        assertThat(n.maskedNhsNumber()).isEqualTo("*** *** 0009");
        assertThat(n.clinicianReference()).isEqualTo("Practitioner/gp-1");
        assertThat(n.requesterClassText()).isEqualTo("police");
        assertThat(n.purposeOfUseText()).isEqualTo("prevention or detection of crime");
        assertThat(n.legalBasisText()).isEqualTo("prevention or detection of serious crime");
        assertThat(n.records()).containsExactly(Map.entry("Patient", 1), Map.entry("RelatedPerson", 2));
        assertThat(n.withheldElements()).isEqualTo(2);
        assertThat(n.reviewer()).isEqualTo("Dr Caldicott");
        assertThat(n.detailsLink()).isEqualTo("https://gp.example/guard/disclosures/req-1");
        assertThat(NoticeText.body(n)).contains("Metropolitan Police (police)", "*** *** 0009",
                "Purpose stated: prevention or detection of crime [CRIMEPREV]", "Their case reference: CASE-7",
                "1 Patient, 2 RelatedPerson; 2 elements withheld", "Approved by the Caldicott Guardian: Dr Caldicott",
                "23 November 2026 at 09:30 GMT");
    }

    @Test
    void noticeId_isStableForTheSameDisclosureAndDiffersPerPatient() {
        AuditEntry entry = Disclosures.police("req-2", List.of("pat-1", "pat-2"));
        List<Notice> first = Disclosures.FACTORY.notices(entry, 5, Disclosures.subjects(entry.patients()));
        List<Notice> again = Disclosures.FACTORY.notices(entry, 5, Disclosures.subjects(entry.patients()));

        assertThat(first).extracting(Notice::noticeId).containsExactlyElementsOf(
                again.stream().map(Notice::noticeId).toList());
        assertThat(first.get(0).noticeId()).isNotEqualTo(first.get(1).noticeId());
    }

    @Test
    void json_roundTripsTheNotice() {
        Notice n = Disclosures.notice("req-3");
        assertThat(NoticeJson.read(NoticeJson.write(n))).isEqualTo(n);
    }

    @Test
    void noRenderingCarriesTheCanaries() throws Exception {
        Notice n = Disclosures.notice("req-4");
        Clock clock = Clock.fixed(Disclosures.T0, java.time.ZoneOffset.UTC);
        String communication = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(
                new FhirInboxChannel(java.net.URI.create("http://127.0.0.1:1/fhir"),
                        java.net.http.HttpClient.newHttpClient(), Duration.ofSeconds(1), clock, "Disclosure Guard",
                        Map.of()).communication(n));
        List<String> renderings = List.of(NoticeJson.write(n), NoticeText.body(n), NoticeText.summary(n),
                WebhookChannel.body(n), communication);
        for (String rendering : renderings) {
            for (String canary : Disclosures.CANARIES) {
                assertThat(rendering).doesNotContainIgnoringCase(canary);
            }
            assertThat(rendering).doesNotContain("9000000009").doesNotContain("900 000 0009");
        }
        assertThat(NoticeText.summary(n)).doesNotContain("pat-1");
    }

    @Test
    void requesterText_cannotAddLinesToTheClinicianText() {
        AuditEntry sly = new AuditEntry("req-7", Disclosures.T0, "g", "r", "Agency\r\nApproved by the Caldicott "
                + "Guardian: nobody", "police", false, "", "CRIMEPREV", "SERIOUS-CRIME", "X".repeat(5000) + "\nEND",
                "", "read", "Patient", "Patient/pat-1", AuditOutcome.PERMIT, "r", "sha256:1", "", 200,
                List.of("pat-1"), List.of("Patient/pat-1"), List.of(), List.of(), "", "", "");
        Notice n = Disclosures.FACTORY.notices(sly, 1, Disclosures.subjects(List.of("pat-1"))).get(0);

        assertThat(n.organisation()).isEqualTo("Agency  Approved by the Caldicott Guardian: nobody");
        assertThat(n.caseReference()).hasSize(201).endsWith("X\u2026");
        assertThat(NoticeText.body(n).lines()).noneMatch(line -> line.startsWith("Approved by"));
        assertThat(NoticeJson.write(n).length()).isLessThan(5000);
    }

    @Test
    void subjects_mustBeExactlyTheEntrysPatients() {
        AuditEntry entry = Disclosures.police("req-5", List.of("pat-1", "pat-2"));
        assertThatThrownBy(() -> Disclosures.FACTORY.notices(entry, 1, Disclosures.subjects(List.of("pat-1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DG-6007");
        assertThatThrownBy(() -> Disclosures.FACTORY.notices(entry, 1,
                Disclosures.subjects(List.of("pat-1", "pat-2", "pat-3"))))
                .hasMessageContaining("DG-6007");
    }

    @Test
    void refusal_isNotADisclosure() {
        AuditEntry refused = new AuditEntry("req-6", Disclosures.T0, "g", "r", "Home Office",
                "immigration-enforcement", false, "", "IMMIGENF", "IMMIGRATION-ADMIN", "", "", "read", "Patient",
                "Patient/pat-1", AuditOutcome.DENY, "rule", "sha256:1", "DG-2101", 403, List.of("pat-1"), List.of(),
                List.of(), List.of(), "", "", "");
        assertThatThrownBy(() -> Disclosures.FACTORY.notices(refused, 1, Disclosures.subjects(List.of("pat-1"))))
                .hasMessageContaining("DG-6006");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Patient/abc", "Practitioner/a b", "Practitioner/", "http://x/Practitioner/1"})
    void clinicianReference_mustBeARelativePractitionerLikeReference(String reference) {
        assertThatThrownBy(() -> NoticeSubject.of("pat-1", reference, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DG-6002");
    }

    @ParameterizedTest
    @ValueSource(strings = {"900000000", "90000000091", "900000000X"})
    void malformedNhsNumber_isRefusedWithoutEchoingIt(String nhsNumber) {
        assertThatThrownBy(() -> NoticeSubject.of("pat-1", "Practitioner/gp-1", nhsNumber))
                .hasMessageContaining("DG-6004").hasMessageNotContaining(nhsNumber);
    }

    @Test
    void retryDelay_seed20261123_staysWithinHalfAndFullCappedBackoff() {
        Random random = new Random(20261123L);
        RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(10), Duration.ofMinutes(5));
        for (int round = 0; round < 200; round++) {
            for (int attempt = 1; attempt <= 12; attempt++) {
                long full = Math.min(300_000L, 10_000L << (attempt - 1));
                Duration d = policy.delayAfter(attempt, random);
                assertThat(d.toMillis()).isBetween(full - full / 2, full);
            }
        }
    }
}

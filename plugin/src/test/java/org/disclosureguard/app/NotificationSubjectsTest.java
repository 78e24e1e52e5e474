package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.gateway.PatientOnRecord;
import org.disclosureguard.notification.NoticeSubject;
import org.junit.jupiter.api.Test;

/** Which patients a disclosure's notices name, and that bad details on the record never hold the record up. */
class NotificationSubjectsTest {

    private static AuditEntry entry(boolean internal, AuditOutcome outcome, List<String> patients) {
        return new AuditEntry("r1", Instant.parse("2026-11-23T10:00:00Z"), "guard", "agency", "Agency",
                "public-health", internal, "", "PUBHLTH", "PUBLIC-HEALTH-STATUTORY", "", "", "read", "Patient",
                "Patient/p1", outcome, "public-health", "sha256:ab", "", outcome.released() ? 200 : 403, patients,
                outcome.released() ? List.of("Patient/p1") : List.of(), List.of(), List.of(), "", "", "");
    }

    @Test
    void aDisclosure_namesEachPatientWithTheClinicianAndAMaskedNhsNumber() {
        List<NoticeSubject> subjects = NotificationConfiguration.subjects(entry(false, AuditOutcome.REDACT,
                List.of("p1")), List.of(new PatientOnRecord("p1", "Practitioner/gp-7", "9449306613")));

        assertThat(subjects).containsExactly(new NoticeSubject("p1", "Practitioner/gp-7", "*** *** 6613"));
    }

    @Test
    void anUnusableNhsNumberOrClinician_isLeftOut_notTheNotice() {
        List<NoticeSubject> subjects = NotificationConfiguration.subjects(entry(false, AuditOutcome.PERMIT,
                List.of("p1", "p2")), List.of(new PatientOnRecord("p1", "https://elsewhere/Practitioner/x", "12"),
                new PatientOnRecord("p2", "Practitioner/gp-1", "not-a-number")));

        assertThat(subjects).containsExactly(new NoticeSubject("p1", "", ""),
                new NoticeSubject("p2", "Practitioner/gp-1", ""));
    }

    @Test
    void internalAccessAndRefusals_notifyNobody() {
        assertThat(NotificationConfiguration.subjects(entry(true, AuditOutcome.PERMIT, List.of("p1")),
                List.of(new PatientOnRecord("p1", "Practitioner/gp-7", "9449306613")))).isEmpty();
        assertThat(NotificationConfiguration.subjects(entry(false, AuditOutcome.DENY, List.of("p1")), List.of()))
                .isEmpty();
    }

    @Test
    void anOutsideRequestRefusedForARestrictedRecord_namesThatPatient() {
        assertThat(NotificationConfiguration.subjects(entry(false, AuditOutcome.ESCALATE, List.of("p1")),
                List.of(new PatientOnRecord("p1", "Practitioner/gp-7", "9449306613"))))
                .containsExactly(new NoticeSubject("p1", "Practitioner/gp-7", "*** *** 6613"));
    }

    @Test
    void aDailyDigest_isScheduledForTheChannelsThatAskForIt() {
        NotificationProperties.FhirInbox inbox = new NotificationProperties.FhirInbox(true, "Disclosure Guard",
                java.time.Duration.ofSeconds(20), "daily", "07:00", "Europe/London");
        NotificationProperties.Retry retry = new NotificationProperties.Retry(20, java.time.Duration.ofSeconds(30),
                java.time.Duration.ofHours(6));
        NotificationProperties.Relay relay = new NotificationProperties.Relay(java.time.Duration.ofSeconds(10), 50,
                java.time.Duration.ofMinutes(2));

        assertThat(NotificationConfiguration.digests(new NotificationProperties(inbox, null, null, null, retry,
                relay, null, null))).containsOnlyKeys("fhir-inbox");
        assertThat(NotificationConfiguration.digests(new NotificationProperties(new NotificationProperties.FhirInbox(
                true, "Disclosure Guard", java.time.Duration.ofSeconds(20), "none", "07:00", "Europe/London"), null,
                null, null, retry, relay, null, null))).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NotificationConfiguration.digests(
                new NotificationProperties(new NotificationProperties.FhirInbox(true, "Disclosure Guard",
                        java.time.Duration.ofSeconds(20), "weekly", "07:00", "Europe/London"), null, null, null, retry,
                        relay, null, null))).hasMessageContaining("DG-6018");
    }

    @Test
    void relayEvents_areCountedByChannelAndResult() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var metrics = NotificationConfiguration.micrometer(registry);

        metrics.delivered("webhook");
        metrics.delivered("webhook");
        metrics.failed("email");

        assertThat(registry.counter("guard.notifications", "channel", "webhook", "result", "delivered").count())
                .isEqualTo(2.0);
        assertThat(registry.counter("guard.notifications", "channel", "email", "result", "failed").count())
                .isEqualTo(1.0);
    }
}

package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.hl7.fhir.r4.model.Communication;
import org.junit.jupiter.api.Test;

/** The tracing-alert notice: no patient, addressed to the Caldicott Guardian, the same on every channel. */
class TracingAlertNoticeTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final String SEEN = "10 refused searches by requester met-1 (Metropolitan Police, police) within "
            + "10 minutes (threshold 10)";

    private static Notice alert() {
        return Disclosures.FACTORY.alertNotice(42, "alert-1", T0, "Practitioner/cg-1", "Metropolitan Police",
                "police", SEEN, "/staff/alerts/alert-1");
    }

    @Test
    void theNotice_namesNoPatient_andSaysWhatWasSeenAndWhereToLook() {
        Notice notice = alert();

        assertThat(notice.kind()).isEqualTo(Notice.TRACING_ALERT);
        assertThat(notice.tracingAlert()).isTrue();
        assertThat(notice.restricted()).isFalse();
        assertThat(notice.patientId()).isEmpty();
        assertThat(notice.clinicianReference()).isEqualTo("Practitioner/cg-1");
        assertThat(NoticeText.summary(notice)).isEqualTo("Possible tracing by Metropolitan Police (police)");
        assertThat(NoticeText.body(notice)).contains(SEEN, "Where to look: /staff/alerts/alert-1", "audit entry 42")
                .doesNotContain("Patient/");
        assertThat(notice.noticeId()).isEqualTo(alert().noticeId());
    }

    @Test
    void theStoredForm_readsBackTheSame_andTheWebhookTypeIsTracingAlert() throws Exception {
        Notice notice = alert();
        String json = NoticeJson.write(notice);

        assertThat(NoticeJson.read(json)).isEqualTo(notice);
        JsonNode message = new ObjectMapper().readTree(WebhookChannel.body(notice));
        assertThat(message.path("type").asText()).isEqualTo(WebhookChannel.TRACING_ALERT_TYPE);
        assertThat(message.at("/data/patient/reference").asText()).isEmpty();
        assertThat(message.at("/data/alert").asText()).isEqualTo(SEEN);
    }

    @Test
    void theInboxCommunication_hasNoSubject_andIsAddressedToTheGuardian() {
        FhirInboxChannel channel = new FhirInboxChannel(URI.create("http://127.0.0.1:9/fhir"),
                HttpClient.newHttpClient(), Duration.ofSeconds(1), new Disclosures.MutableClock(T0), "Disclosure Guard",
                Map.of());

        Communication c = channel.communication(alert());

        assertThat(c.hasSubject()).isFalse();
        assertThat(c.getRecipientFirstRep().getReference()).isEqualTo("Practitioner/cg-1");
        assertThat(c.getTopic().getText()).isEqualTo("Possible tracing by Metropolitan Police (police)");
    }

    @Test
    void onlyATracingAlert_saysWhatWasSeen() {
        assertThatThrownBy(() -> new Notice("n", 1, "r", T0, "", "", "", "", "", "", "", "", "", "", "", Map.of(), 0,
                "", "", Notice.TRACING_ALERT, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Notice("n", 1, "r", T0, "p", "", "", "", "", "", "", "", "", "", "", Map.of(), 0,
                "", "", Notice.DISCLOSURE, "seen")).isInstanceOf(IllegalArgumentException.class);
    }
}

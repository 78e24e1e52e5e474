package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.disclosureguard.notification.OutboxReconciler;
import org.disclosureguard.notification.Reconciliation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The notification outbox's health component and metrics as the whole guard serves them: {@code /actuator/health}
 * shows the {@code notifications} component with its counts to the practice and is 404 to anyone else, like
 * {@code /actuator/prometheus}, which carries the reconciliation counter and the clinician contact cache. Same
 * configuration as {@link AuditTrailTest}, so the two share one application context.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"guard.upstream.base-url=http://127.0.0.1:9/fhir", "guard.instance=audit-trail-test"})
class NotificationEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    OutboxReconciler reconciler;

    @Test
    void health_showsTheOutboxToThePractice_andIsNotThereForOutsiders() throws Exception {
        HttpResponse<String> practice = send(HttpRequest.newBuilder(uri("/actuator/health")));
        HttpResponse<String> outsider = send(HttpRequest.newBuilder(uri("/actuator/health"))
                .header("X-Forwarded-For", "203.0.113.9"));
        HttpResponse<String> outsiderComponent = send(HttpRequest.newBuilder(uri("/actuator/health/notifications"))
                .header("X-Forwarded-For", "203.0.113.9"));

        JsonNode notifications = JSON.readTree(practice.body()).at("/components/notifications");
        assertThat(notifications.at("/details/pending").isNumber()).isTrue();
        assertThat(notifications.at("/details/maxPendingAgeSeconds").asLong()).isEqualTo(900);
        // The practice server here is unreachable, so notices from earlier tests may still be pending: the status
        // must follow from the details the component shows.
        boolean late = notifications.at("/details/oldestPendingSeconds").asLong() > 900;
        boolean disabled = notifications.at("/details/disabled").asLong() > 0
                || notifications.at("/details/disabledChannels").size() > 0;
        assertThat(notifications.path("status").asText()).as(notifications.toString())
                .isEqualTo(late || disabled ? "DOWN" : "UP");
        assertThat(notifications.at("/details/reasons").size() > 0).as(notifications.toString())
                .isEqualTo(late || disabled);
        assertThat(practice.statusCode()).as(practice.body()).isEqualTo(late || disabled ? 503 : 200);
        assertThat(outsider.statusCode()).isEqualTo(404);
        assertThat(outsider.body()).doesNotContain("notifications").doesNotContain("UP");
        assertThat(outsiderComponent.statusCode()).isEqualTo(404);
    }

    @Test
    void prometheus_carriesTheReconciliationCounter_andTheContactCache() throws Exception {
        Reconciliation run = reconciler.runOnce();
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(uri("/actuator/prometheus")));

        assertThat(run.totalRowsWritten()).as("every disclosure here was appended with its notices").isZero();
        assertThat(reconciler.last()).contains(run);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("guard_notifications_reconciled_total{channel=\"fhir-inbox\"}")
                .contains("cache=\"practitioner-contacts\"");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.StoredEntry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole guard records every answer in its audit chain before it leaves, names the entry in
 * {@code X-DG-Request-Id}, and lets practice staff verify the chain. The practice server is unreachable here
 * (port 9), so every answer is a refusal or a failure: those are audited too.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"guard.upstream.base-url=http://127.0.0.1:9/fhir", "guard.instance=audit-trail-test"})
class AuditTrailTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    JdbcAuditStore store;

    @Test
    void everyAnswer_isInTheChainUnderItsRequestId() throws Exception {
        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009"))
                .header("X-Forwarded-For", "203.0.113.9"));
        HttpResponse<String> failed = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009")));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(failed.statusCode()).isEqualTo(503);
        StoredEntry refusal = only(store.byRequestId(refused.headers().firstValue("X-DG-Request-Id").orElseThrow()));
        StoredEntry failure = only(store.byRequestId(failed.headers().firstValue("X-DG-Request-Id").orElseThrow()));
        assertThat(refusal.entry().outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(refusal.entry().code()).isEqualTo("DG-3001");
        assertThat(refusal.entry().requesterId()).isEqualTo("unauthenticated");
        assertThat(refusal.entry().target()).isEqualTo("Patient/9000000009");
        assertThat(refusal.entry().instance()).isEqualTo("audit-trail-test");
        assertThat(failure.entry().outcome()).isEqualTo(AuditOutcome.FAILED);
        assertThat(failure.entry().requesterId()).isEqualTo("practice-loopback");
        assertThat(failure.entry().code()).isEqualTo("DG-1001");
        assertThat(failure.seq()).isGreaterThan(refusal.seq());
    }

    @Test
    void requestsTheGuardDoesNotOffer_areRecordedToo() throws Exception {
        HttpResponse<String> delete = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009"))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> everything = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009/$everything")));

        assertThat(delete.statusCode()).isBetween(400, 499);
        StoredEntry deletion = only(store.byRequestId(delete.headers().firstValue("X-DG-Request-Id").orElseThrow()));
        assertThat(deletion.entry().outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(deletion.entry().code()).isEqualTo("DG-1202");
        assertThat(deletion.entry().interaction()).isEqualTo("delete");
        assertThat(deletion.entry().target()).isEqualTo("Patient/9000000009");
        assertThat(deletion.entry().status()).isEqualTo(delete.statusCode());
        StoredEntry operation = only(store.byRequestId(
                everything.headers().firstValue("X-DG-Request-Id").orElseThrow()));
        assertThat(operation.entry().interaction()).isEqualTo("operation");
    }

    @Test
    void aFormatTheGuardDoesNotWrite_isRefusedAndRecorded() throws Exception {
        HttpResponse<String> xml = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009?_format=xml"))
                .header("X-Forwarded-For", "203.0.113.9"));

        assertThat(xml.statusCode()).isEqualTo(406);
        StoredEntry refusal = only(store.byRequestId(xml.headers().firstValue("X-DG-Request-Id").orElseThrow()));
        assertThat(refusal.entry().code()).isEqualTo("DG-1201");
        assertThat(refusal.entry().status()).isEqualTo(406);
        assertThat(refusal.entry().interaction()).isEqualTo("read");
        assertThat(refusal.entry().target()).isEqualTo("Patient/9000000009?_format=xml");
        assertThat(refusal.entry().released()).isEmpty();
    }

    @Test
    void staffVerify_reportsAnIntactChain() throws Exception {
        send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009")).header("X-Forwarded-For", "203.0.113.9"));

        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/staff/audit/verify")));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode report = JSON.readTree(answer.body());
        assertThat(report.path("ok").asBoolean()).isTrue();
        assertThat(report.path("entriesChecked").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(report.path("problems").size()).isZero();
    }

    @Test
    void prometheus_isScrapedByThePracticeOnly_andCountsTheNotifications() throws Exception {
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(uri("/actuator/prometheus")));
        HttpResponse<String> outsider = send(HttpRequest.newBuilder(uri("/actuator/prometheus"))
                .header("X-Forwarded-For", "203.0.113.9"));

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("guard_notifications_pending").contains("jvm_memory_used_bytes");
        assertThat(outsider.statusCode()).isEqualTo(404);
        assertThat(outsider.body()).doesNotContain("guard_notifications");
    }

    @Test
    void staffVerify_isNotThereForOutsiders() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/staff/audit/verify"))
                .header("Authorization", "Bearer x"));

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("entriesChecked");
    }

    private static StoredEntry only(List<StoredEntry> entries) {
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

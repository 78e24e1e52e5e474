package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The clinician hears about a disclosure in the GP system's own inbox: an outside requester reads a patient through
 * the guard, and a FHIR Communication about it appears in the real practice server, thin (who, why, which
 * patient, never the disclosed data). The practice's own reads tell nobody.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "guard.notification.relay.poll-interval=500ms")
class NotificationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final KeyPair AGENCY = SignedTokens.ec();
    private static final KeyPair TRUST = SignedTokens.ec();
    private static final String ORGANISATION = "Notified Health Agency " + UUID.randomUUID().toString().substring(0, 8);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", () -> registry().toString());
        registry.add("guard.identity.audience", () -> AUDIENCE);
        registry.add("guard.review.staff-file", () -> STAFF.toString());
    }

    private static final String STAFF_PASSWORD = "a long enough staff password";
    private static final Path STAFF = staff();

    private static Path staff() {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), "notification-staff").resolve("staff.yaml");
            Files.writeString(file, """
                    version: 1
                    staff:
                      - id: it-pat
                        name: Practice IT
                        roles: [caldicott-guardian]
                        passwordHash: '%s'
                    """.formatted(org.disclosureguard.staff.StaffAccounts.hash(STAFF_PASSWORD.toCharArray(),
                    new java.security.SecureRandom())));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void staff_seeTheDeliveredNotice_andCannotRequeueWithoutTheirFormsToken() throws Exception {
        int before = communicationsFromThisTest().size();
        String token = SignedTokens.es256(AGENCY, SignedTokens.claims("agency", AUDIENCE, Instant.now())
                .claim("purpose_of_use", "PUBHLTH").claim("legal_basis", "PUBLIC-HEALTH-STATUTORY"));
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Patient/9000000009"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        List<JsonNode> communications = communicationsFromThisTest();
        for (int attempt = 0; attempt < 60 && communications.size() == before; attempt++) {
            Thread.sleep(500);
            communications = communicationsFromThisTest();
        }
        assertThat(communications).hasSize(before + 1);
        List<String> noticeIds = new ArrayList<>();
        communications.forEach(c -> noticeIds.add(c.at("/identifier/0/value").asText()));
        HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/staff/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("id=it-pat&password="
                        + java.net.URLEncoder.encode(STAFF_PASSWORD, java.nio.charset.StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];

        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/staff/notifications")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> forged = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/staff/notifications/requeue")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("channel=fhir-inbox&csrf=forged")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/staff/notifications")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Clinician notifications").contains("fhir-inbox").contains("Delivered")
                .contains("<h2>Reconciliation</h2>");
        assertThat(noticeIds).anyMatch(id -> page.body().contains(id));
        assertThat(page.body()).doesNotContain("<script");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(anonymous.statusCode()).isEqualTo(303);
    }

    @Test
    void aDisclosureToAnOutsideParty_landsInTheGpSystemsInbox_andAnInternalReadDoesNot() throws Exception {
        String token = SignedTokens.es256(AGENCY, SignedTokens.claims("agency", AUDIENCE, Instant.now())
                .claim("purpose_of_use", "PUBHLTH").claim("legal_basis", "PUBLIC-HEALTH-STATUTORY"));
        HttpResponse<String> disclosed = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/fhir/Patient/9000000009"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(disclosed.statusCode()).isEqualTo(200);
        JsonNode released = JSON.readTree(disclosed.body());

        List<JsonNode> communications = new ArrayList<>();
        for (int attempt = 0; attempt < 60 && communications.isEmpty(); attempt++) {
            Thread.sleep(500);
            communications = communicationsFromThisTest();
        }

        assertThat(communications).hasSize(1);
        JsonNode communication = communications.get(0);
        assertThat(communication.at("/subject/reference").asText()).isEqualTo("Patient/9000000009");
        assertThat(communication.path("status").asText()).isEqualTo("completed");
        String text = communication.toString();
        assertThat(text).contains(ORGANISATION).containsIgnoringCase("public health");
        released.path("name").path(0).path("given").forEach(given ->
                assertThat(text).as("the disclosed data itself is not in the notice").doesNotContain(given.asText()));
        assertThat(text).doesNotContain(released.path("birthDate").asText());

        HttpResponse<String> internal = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/fhir/Patient/9000000009")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(internal.statusCode()).isEqualTo(200);
        Thread.sleep(2_000);
        assertThat(communicationsFromThisTest()).hasSize(1);
    }

    @Test
    void aRequestHeldForARestrictedRecord_tellsTheClinicianToo_withoutAnyData() throws Exception {
        String token = SignedTokens.es256(TRUST, SignedTokens.claims("trust", AUDIENCE, Instant.now())
                .claim("purpose_of_use", "TREAT"));
        HttpResponse<String> held = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/fhir/Patient/9000000025"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(held.statusCode()).isEqualTo(403);
        assertThat(held.headers().firstValue("X-DG-Decision").orElse("")).startsWith("restricted-record-escalated");

        List<JsonNode> notices = new ArrayList<>();
        for (int attempt = 0; attempt < 60 && notices.isEmpty(); attempt++) {
            Thread.sleep(500);
            HttpResponse<String> search = HTTP.send(HttpRequest.newBuilder(URI.create(PracticeServer.shared()
                    .baseUrl() + "/Communication?subject=Patient/9000000025&_count=200")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode entry : JSON.readTree(search.body()).path("entry")) {
                if (entry.path("resource").toString().contains(ORGANISATION + " Trust")) {
                    notices.add(entry.path("resource"));
                }
            }
        }

        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).toString()).containsIgnoringCase("restricted record")
                .containsIgnoringCase("nothing was released");
    }

    private static List<JsonNode> communicationsFromThisTest() throws IOException, InterruptedException {
        HttpResponse<String> search = HTTP.send(HttpRequest.newBuilder(URI.create(PracticeServer.shared().baseUrl()
                + "/Communication?subject=Patient/9000000009&_count=200")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(search.body()).path("entry")) {
            if (entry.path("resource").toString().contains(ORGANISATION)) {
                found.add(entry.path("resource"));
            }
        }
        return found;
    }

    private static Path registry() {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), "notification-it").resolve("requesters.yaml");
            Files.writeString(file, """
                    version: 1
                    requesters:
                      - id: agency
                        organisation: %s
                        class: public-health
                        token: {clientId: agency, keys: [{jwk: '%s'}]}
                      - id: trust
                        organisation: %s Trust
                        class: nhs-provider
                        token: {clientId: trust, keys: [{jwk: '%s'}]}
                    """.formatted(ORGANISATION, SignedTokens.publicJwk(AGENCY), ORGANISATION,
                    SignedTokens.publicJwk(TRUST)));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

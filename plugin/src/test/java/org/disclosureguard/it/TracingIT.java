package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.tracing.TracingAlert;
import org.disclosureguard.tracing.TracingAlerts;
import org.disclosureguard.tracing.TracingPattern;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tracing through the whole guard and the real practice server: an NHS provider reads one patient after another
 * under the shipped policy (its distinct-patients threshold lowered to five); exactly one alert is raised, with the
 * five reads behind it, and the Caldicott Guardian finds it in the GP system's inbox as a Communication that names
 * neither the patients nor anything read about them.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "guard.notification.relay.poll-interval=500ms")
class TracingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.tracing-it.test/fhir";
    private static final KeyPair TRUST = SignedTokens.ec();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String ORGANISATION = "Tracing Trust " + RUN;
    /** The guard's database outlives a run, so the requester is new each run. */
    private static final String REQUESTER = "tracing-trust-" + RUN;

    @LocalServerPort
    int port;

    @Autowired
    TracingAlerts alerts;

    private static String guardian;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", () -> write("tracing-it-registry", "requesters.yaml", """
                version: 1
                requesters:
                  - id: %s
                    organisation: %s
                    class: nhs-provider
                    token: {clientId: %s, keys: [{jwk: '%s'}]}
                """.formatted(REQUESTER, ORGANISATION, REQUESTER, SignedTokens.publicJwk(TRUST))).toString());
        registry.add("guard.identity.audience", () -> AUDIENCE);
        registry.add("guard.policy.file", () -> policy().toString());
    }

    /** The shipped policy, its distinct-patients threshold lowered to 5, alerts addressed to a real Practitioner. */
    private static Path policy() {
        try {
            HttpResponse<String> found = HTTP.send(HttpRequest.newBuilder(URI.create(PracticeServer.shared().baseUrl()
                    + "/Practitioner?_count=1")).build(), HttpResponse.BodyHandlers.ofString());
            guardian = "Practitioner/" + JSON.readTree(found.body()).at("/entry/0/resource/id").asText();
            String text;
            try (InputStream in = PolicyEngine.class.getClassLoader()
                    .getResourceAsStream(PolicyEngine.DEFAULT_RESOURCE)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String lowered = text.replace("distinctPatients: {count: 50, windowMinutes: 60}",
                    "distinctPatients: {count: 5, windowMinutes: 60}")
                    .replace("\ntracing:\n", "\ntracing:\n  notify: " + guardian + "\n");
            if (lowered.equals(text) || !lowered.contains("count: 5,")) {
                throw new IllegalStateException("the shipped policy's tracing section has changed");
            }
            return write("tracing-it-policy", "policy.yaml", lowered);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readingPatientAfterPatient_raisesOneAlert_deliveredToTheGuardiansInbox_withoutPatientData()
            throws Exception {
        List<Patient> patients = PracticeServer.shared().syntheticData().patients().subList(0, 8);
        List<String> requestIds = new ArrayList<>();
        List<String> released = new ArrayList<>();
        for (Patient patient : patients) {
            String token = SignedTokens.es256(TRUST, SignedTokens.claims(REQUESTER, AUDIENCE, Instant.now())
                    .claim("purpose_of_use", "TREAT").claim("legal_basis", "DIRECT-CARE"));
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/fhir/Patient/" + patient.getIdPart())).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202, 403);
            requestIds.add(answer.headers().firstValue("X-DG-Request-Id").orElseThrow());
            if (answer.statusCode() == 200) {
                released.add(answer.body());
            }
        }
        assertThat(released).as("most of the reads are direct care, released").hasSizeGreaterThanOrEqualTo(5);

        List<TracingAlert> mine = alerts.recent(100).stream().map(TracingAlerts.Stored::alert)
                .filter(a -> a.requesterId().equals(REQUESTER)).toList();
        assertThat(mine).singleElement().satisfies(a -> {
            assertThat(a.pattern()).isEqualTo(TracingPattern.DISTINCT_PATIENTS);
            assertThat(a.observed()).isEqualTo(5);
            assertThat(a.evidenceRequestIds()).containsExactlyElementsOf(requestIds.subList(0, 5));
        });
        TracingAlert alert = mine.get(0);

        List<JsonNode> inbox = new ArrayList<>();
        for (int attempt = 0; attempt < 60 && inbox.isEmpty(); attempt++) {
            Thread.sleep(500);
            HttpResponse<String> search = HTTP.send(HttpRequest.newBuilder(URI.create(PracticeServer.shared()
                    .baseUrl() + "/Communication?recipient=" + guardian + "&_count=200")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode entry : JSON.readTree(search.body()).path("entry")) {
                // The Guardian may also be a patient's GP, and get that patient's disclosure notices: only alerts.
                JsonNode resource = entry.path("resource");
                if (resource.toString().contains(ORGANISATION)
                        && resource.at("/topic/text").asText().startsWith("Possible tracing")) {
                    inbox.add(resource);
                }
            }
        }
        assertThat(inbox).singleElement().satisfies(c -> {
            assertThat(c.has("subject")).as("no patient is the subject").isFalse();
            assertThat(c.at("/recipient/0/reference").asText()).isEqualTo(guardian);
            String text = c.toString();
            assertThat(text).contains("Possible tracing by " + ORGANISATION, "5 distinct patients asked about",
                    "/staff/alerts/" + alert.alertId());
            for (Patient patient : patients) {
                assertThat(text).doesNotContain("Patient/" + patient.getIdPart());
                String family = patient.getNameFirstRep().getFamily();
                if (family != null && family.length() > 3) {
                    assertThat(text).doesNotContain(family);
                }
            }
        });
    }

    private static Path write(String prefix, String name, String text) {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), prefix).resolve(name);
            Files.writeString(file, text);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

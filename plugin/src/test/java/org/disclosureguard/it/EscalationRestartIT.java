package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.review.ReviewCase;
import org.disclosureguard.review.ReviewCases;
import org.disclosureguard.review.Reviewer;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A held request survives guard restarts: one guard holds it and stops; a new guard on the same database (a new
 * process would be no different: the case and the audit chain are in the database) records the Caldicott
 * Guardian's first approval and stops; a third records the second approval by another reviewer and releases it to
 * the requester's poll, and the chain verifies across all three.
 */
class EscalationRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final KeyPair HOME_OFFICE = SignedTokens.ec();

    @Test
    void aHeldRequest_isDecidedAndReleasedByTheNextGuardAfterARestart() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "escalation-restart").toAbsolutePath();
        Path registry = dir.resolve("requesters.yaml");
        Files.writeString(registry, """
                version: 1
                requesters:
                  - id: home-office
                    organisation: Immigration Enforcement (test)
                    class: immigration-enforcement
                    token: {clientId: home-office, keys: [{jwk: '%s'}]}
                """.formatted(SignedTokens.publicJwk(HOME_OFFICE)));
        Map<String, Object> properties = Map.of(
                "server.port", "0",
                "guard.upstream.base-url", PracticeServer.shared().baseUrl().toString(),
                "guard.identity.registry-file", registry.toString(),
                "guard.identity.audience", AUDIENCE,
                "guard.data-dir", dir.resolve("data").toString());

        String poll;
        String caseId;
        try (ConfigurableApplicationContext first = start(properties)) {
            HttpResponse<String> held = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port(first) + "/fhir/Patient/9000000009"))
                    .header("Authorization", "Bearer " + immigration()).header("Prefer", "respond-async").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(held.statusCode()).isEqualTo(202);
            poll = held.headers().firstValue("Content-Location").orElseThrow();
            caseId = poll.substring(poll.indexOf("case=") + 5);
        }

        try (ConfigurableApplicationContext second = start(properties)) {
            ReviewCases cases = second.getBean(ReviewCases.class);
            ReviewCase held = cases.find(caseId).orElseThrow();
            assertThat(held.state().name()).isEqualTo("PENDING");
            assertThat(held.escalation().approvals()).as("the default policy asks two approvals here").isEqualTo(2);
            cases.approve(caseId, Reviewer.of("cg-anne", "caldicott-guardian"),
                    new LinkedHashSet<>(held.escalation().proposedWithheld()), "after the restart");
        }

        try (ConfigurableApplicationContext third = start(properties)) {
            String base = "http://127.0.0.1:" + port(third);
            ReviewCases cases = third.getBean(ReviewCases.class);
            ReviewCase once = cases.find(caseId).orElseThrow();
            assertThat(once.state().name()).as("the first approval survives a restart")
                    .isEqualTo("AWAITING_SECOND_APPROVAL");
            assertThat(once.first().orElseThrow().reviewerId()).isEqualTo("cg-anne");
            cases.approve(caseId, Reviewer.of("cg-ben", "caldicott-guardian"),
                    new LinkedHashSet<>(once.escalation().proposedWithheld()), "second approval after a restart");

            HttpResponse<String> released = HTTP.send(HttpRequest.newBuilder(URI.create(base + poll.substring(
                    poll.indexOf("/fhir/")))).header("Authorization", "Bearer " + immigration()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
            JsonNode patient = JSON.readTree(released.body()).at("/entry/0/resource");
            assertThat(patient.path("id").asText()).isEqualTo("9000000009");
            assertThat(patient.has("address")).isFalse();

            HttpResponse<String> verify = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/staff/audit/verify"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
            assertThat(JSON.readTree(verify.body()).path("entriesChecked").asLong()).isGreaterThanOrEqualTo(2);
        }
    }

    private static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(DisclosureGuardApplication.class).properties(properties).run();
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static String immigration() {
        return SignedTokens.es256(HOME_OFFICE, SignedTokens.claims("home-office", AUDIENCE, Instant.now())
                .claim("purpose_of_use", "IMMIGENF").claim("legal_basis", "DEPORT-SERIOUS-CRIME")
                .claim("case_reference", "HO-DEP-2026-0107").claim("requesting_officer", "IO 2231 B. Example"));
    }
}

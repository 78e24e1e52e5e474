package org.disclosureguard.app;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The staff policy endpoints of the whole guard, with the policy loaded from a file the tests rewrite. */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "guard.upstream.base-url=http://127.0.0.1:9/fhir")
class StaffPolicyControllerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DEFAULT_POLICY = defaultPolicy();
    private static final Path POLICY = writePolicy();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void policy(DynamicPropertyRegistry registry) {
        registry.add("guard.policy.file", POLICY::toString);
    }

    @AfterEach
    void restorePolicy() throws Exception {
        Files.writeString(POLICY, DEFAULT_POLICY);
        send(post("/staff/policy/reload", ""));
    }

    @Test
    void status_namesTheVersionInForce() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/staff/policy")).GET());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("version").asText()).startsWith("sha256:");
    }

    @Test
    void explain_decidesAScenarioWithTheRuleTrace() throws Exception {
        String scenario = """
                requester:
                  id: dwp-fraud-01
                  organisation: Department for Work and Pensions, Counter Fraud
                  class: benefits
                purpose: BENEFITFRAUD
                legalBasis: BENEFIT-TAX
                caseReference: DWP/CFCD/2018/5521
                requestingOfficer: Investigator 3390
                request:
                  interaction: search
                  resourceType: Patient
                  params:
                    identifier: ['https://fhir.nhs.uk/Id/nhs-number|9449306613']
                    birthdate: ['1979-03-14']
                expect:
                  outcome: deny
                  rule: benefits-and-tax-refused
                """;

        HttpResponse<String> answer = send(post("/staff/policy/explain", scenario));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode decision = JSON.readTree(answer.body()).path("decision");
        assertThat(decision.path("outcome").asText()).isEqualTo("DENY");
        assertThat(decision.path("rule").asText()).isEqualTo("benefits-and-tax-refused");
        assertThat(decision.path("trace").size()).isGreaterThan(1);
        assertThat(decision.path("explanation").toString()).contains("benefits-and-tax-refused");
        assertThat(JSON.readTree(answer.body()).path("asExpected").asBoolean()).isTrue();
    }

    @Test
    void explain_ofAnInvalidScenario_namesTheProblemAndItsLine() throws Exception {
        HttpResponse<String> answer = send(post("/staff/policy/explain", """
                requester:
                  id: x
                  class: police
                purpose: TREAT
                request:
                  interaction: teleport
                  resourceType: Patient
                """));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("DG-2301").contains("teleport").contains(":6")
                .doesNotContain("Exception");
    }

    @Test
    void explain_withoutABody_isA400() throws Exception {
        assertThat(send(post("/staff/policy/explain", "")).statusCode()).isEqualTo(400);
    }

    @Test
    void reload_ofABrokenFile_keepsTheLastGoodPolicyAndSaysWhy() throws Exception {
        String before = JSON.readTree(send(HttpRequest.newBuilder(uri("/staff/policy")).GET()).body())
                .path("version").asText();
        Files.writeString(POLICY, DEFAULT_POLICY.replace("then: deny", "then: maybe"));

        HttpResponse<String> answer = send(post("/staff/policy/reload", ""));

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.body()).contains("DG-2201").contains(before);
        JsonNode status = JSON.readTree(send(HttpRequest.newBuilder(uri("/staff/policy")).GET()).body());
        assertThat(status.path("version").asText()).isEqualTo(before);
        assertThat(status.path("lastFailedReload").path("error").asText()).contains("DG-2201");
    }

    @Test
    void reload_ofAChangedFile_putsTheNewVersionInForce() throws Exception {
        String before = JSON.readTree(send(HttpRequest.newBuilder(uri("/staff/policy")).GET()).body())
                .path("version").asText();
        Files.writeString(POLICY, DEFAULT_POLICY + "\n# reviewed by the Caldicott Guardian\n");

        HttpResponse<String> answer = send(post("/staff/policy/reload", ""));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(answer.body());
        assertThat(result.path("changed").asBoolean()).isTrue();
        assertThat(result.path("version").asText()).startsWith("sha256:").isNotEqualTo(before);
    }

    @Test
    void requestsThatAreNotThePracticesOwn_getNotFound() throws Exception {
        for (String header : new String[] {"X-Forwarded-For: 10.0.0.1", "Authorization: Bearer x",
                "X-DG-Purpose-Of-Use: TREAT"}) {
            String[] pair = header.split(": ", 2);
            HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/staff/policy")).header(pair[0], pair[1])
                    .GET());
            HttpResponse<String> reload = send(post("/staff/policy/reload", "").header(pair[0], pair[1]));

            assertThat(answer.statusCode()).as(header).isEqualTo(404);
            assertThat(reload.statusCode()).as(header).isEqualTo(404);
            assertThat(answer.body()).doesNotContain("sha256");
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String defaultPolicy() {
        try (InputStream in = StaffPolicyControllerTest.class
                .getResourceAsStream("/org/disclosureguard/policy/default-policy.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writePolicy() {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), "staff-policy").resolve("policy.yaml");
            Files.writeString(file, DEFAULT_POLICY);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.synthetic.SyntheticDataset;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The guard with a requester registry, in front of the real practice server: requesters of several classes sign
 * tokens with their own keys, and each gets what the default policy says, labelled, redacted or refused.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DisclosureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";

    private static final KeyPair TRUST = SignedTokens.ec();
    private static final Ed25519PrivateKeyParameters AGENCY = SignedTokens.ed25519();
    private static final KeyPair HOME_OFFICE = SignedTokens.ec();
    private static final KeyPair DEPARTMENT = SignedTokens.ec();
    private static final KeyPair STRANGER = SignedTokens.ec();
    private static final Path REGISTRY = writeRegistry();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", REGISTRY::toString);
        registry.add("guard.identity.audience", () -> AUDIENCE);
    }

    private static Path writeRegistry() {
        try {
            Path directory = Files.createTempDirectory(Path.of("target"), "disclosure-it");
            Path file = directory.resolve("requesters.yaml");
            Files.writeString(file, """
                    version: 1
                    requesters:
                      - id: trust
                        organisation: Leeds Teaching Hospitals (test)
                        class: nhs-provider
                        token:
                          clientId: trust
                          keys:
                            - jwk: '%s'
                      - id: agency
                        organisation: Health Protection Agency (test)
                        class: public-health
                        token:
                          clientId: agency
                          keys:
                            - jwk: '%s'
                      - id: home-office
                        organisation: Immigration Enforcement (test)
                        class: immigration-enforcement
                        token:
                          clientId: home-office
                          keys:
                            - jwk: '%s'
                      - id: department
                        organisation: Benefits Department (test)
                        class: benefits
                        token:
                          clientId: department
                          keys:
                            - jwk: '%s'
                    """.formatted(SignedTokens.publicJwk(TRUST), SignedTokens.publicJwk(AGENCY),
                    SignedTokens.publicJwk(HOME_OFFICE), SignedTokens.publicJwk(DEPARTMENT)));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String guard(String relative) {
        return "http://127.0.0.1:" + port + "/fhir/" + relative;
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JWTClaimsSet.Builder claims(String clientId) {
        return SignedTokens.claims(clientId, AUDIENCE, Instant.now());
    }

    private static String treat() {
        return SignedTokens.es256(TRUST, claims("trust").claim("purpose_of_use", "TREAT"));
    }

    private static List<String> security(JsonNode resource) {
        List<String> codes = new ArrayList<>();
        resource.path("meta").path("security").forEach(c -> codes.add(c.path("code").asText()));
        return codes;
    }

    private static String code(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).at("/issue/0/details/coding/0/code").asText();
    }

    @Test
    void internalLoopbackRequest_isStillPermittedAndLabelled() throws Exception {
        HttpResponse<String> response = get(guard("Patient/9000000009"), null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode patient = JSON.readTree(response.body());
        assertThat(security(patient)).contains("N", "PROCESSINLINELABEL").doesNotContain("NORDSCLCD");
        assertThat(patient.at("/address/0/extension").toString()).contains("LOCIS");
        assertThat(response.headers().firstValue("X-DG-Decision")).hasValueSatisfying(v ->
                assertThat(v).startsWith("internal-requesters; policy=sha256:"));
    }

    @Test
    void nhsProviderForTreatment_getsThePatientLabelled_notToBeDisclosedFurther() throws Exception {
        HttpResponse<String> response = get(guard("Patient/9000000009"), treat());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode patient = JSON.readTree(response.body());
        assertThat(security(patient)).contains("N", "PROCESSINLINELABEL", "NORDSCLCD");
        assertThat(security(patient).stream().filter("NORDSCLCD"::equals)).hasSize(1);
        assertThat(patient.at("/address/0/extension").toString()).contains("LOCIS");
        assertThat(response.headers().firstValue("X-DG-Decision")).hasValueSatisfying(v ->
                assertThat(v).startsWith("direct-care; policy=sha256:"));
    }

    @Test
    void nhsProviderSearchByNhsNumberAndBirthDate_findsThePatient_withoutATotal() throws Exception {
        JsonNode upstream = JSON.readTree(get(PracticeServer.shared().baseUrl() + "/Patient/9000000009", null).body());
        String query = "Patient?identifier=" + URLEncoder.encode(NHS_NUMBER + "|9000000009", StandardCharsets.UTF_8)
                + "&birthdate=" + upstream.path("birthDate").asText();

        HttpResponse<String> response = get(guard(query), treat());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(response.body());
        assertThat(bundle.has("total")).isFalse();
        assertThat(bundle.at("/entry/0/resource/id").asText()).isEqualTo("9000000009");
        assertThat(security(bundle.at("/entry/0/resource"))).contains("NORDSCLCD");
    }

    @Test
    void publicHealth_getsThePatientWithoutWhereTheyCanBeFound() throws Exception {
        JsonNode upstream = JSON.readTree(get(PracticeServer.shared().baseUrl() + "/Patient/9000000009", null).body());
        List<String> canaries = new ArrayList<>();
        upstream.path("address").forEach(a -> a.path("line").forEach(l -> canaries.add(l.asText())));
        upstream.path("telecom").forEach(t -> canaries.add(t.path("value").asText()));
        assertThat(canaries).isNotEmpty();
        String token = SignedTokens.eddsa(AGENCY, claims("agency").claim("purpose_of_use", "PUBHLTH")
                .claim("legal_basis", "PUBLIC-HEALTH-STATUTORY"));

        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(guard("Patient/9000000009")))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode patient = JSON.readTree(body);
        assertThat(patient.has("address")).isFalse();
        assertThat(patient.has("telecom")).isFalse();
        assertThat(security(patient)).contains("REDACTED", "NORDSCLCD");
        assertThat(patient.path("birthDate").asText()).isEqualTo(upstream.path("birthDate").asText());
        for (String canary : canaries) {
            assertThat(body).as("upstream value %s", canary).doesNotContain(canary);
        }
    }

    @Test
    void immigrationWithoutSeriousCrimeBasis_isRefusedAlike_forAnExistingAndAMissingPatient() throws Exception {
        HttpResponse<String> existing = get(guard("Patient/9000000009"), immigration("IMMIGRATION-ADMIN"));
        HttpResponse<String> missing = get(guard("Patient/9999999999"), immigration("IMMIGRATION-ADMIN"));

        assertThat(existing.statusCode()).isEqualTo(403);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(code(existing)).isEqualTo("DG-2101");
        assertThat(existing.body()).isEqualTo(missing.body());
        assertThat(existing.headers().firstValue("X-DG-Decision"))
                .isEqualTo(missing.headers().firstValue("X-DG-Decision"));
    }

    @Test
    void immigrationForDeportationAfterSeriousCrime_isHeldForTheCaldicottGuardian() throws Exception {
        HttpResponse<String> response = get(guard("Patient/9000000009"), immigration("DEPORT-SERIOUS-CRIME"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(code(response)).isEqualTo("DG-2105");
        assertThat(response.body()).contains("caldicott-guardian").doesNotContain("Smith", "address");
    }

    @Test
    void benefitsDepartment_isRefused() throws Exception {
        String token = SignedTokens.es256(DEPARTMENT, claims("department").claim("purpose_of_use", "BENEFITFRAUD"));

        HttpResponse<String> response = get(guard("Patient/9000000009"), token);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(code(response)).isEqualTo("DG-2101");
    }

    @Test
    void nameSearchByAnOutsider_isRefused() throws Exception {
        HttpResponse<String> response = get(guard("Patient?family=Smith"), treat());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(code(response)).isEqualTo("DG-2101");
        assertThat(response.headers().firstValue("X-DG-Decision")).hasValueSatisfying(v ->
                assertThat(v).startsWith("external-search-protected-criteria;"));
    }

    @Test
    void restrictedPatientForPlannedCare_isEscalated() throws Exception {
        HttpResponse<String> response = get(guard("Patient/9000000025"), treat());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(code(response)).isEqualTo("DG-2105");
        assertThat(response.headers().firstValue("X-DG-Decision")).hasValueSatisfying(v ->
                assertThat(v).startsWith("restricted-record-escalated;"));
    }

    @Test
    void encounterOfARestrictedPatient_isEscalatedForPlannedCare_whileAnotherPatientsIsReleased() throws Exception {
        SyntheticDataset data = PracticeServer.shared().syntheticData();
        Map<String, String> marks = new HashMap<>();
        for (Patient patient : data.patients()) {
            marks.put("Patient/" + patient.getIdPart(), patient.getMeta().getSecurity().stream()
                    .filter(c -> c.getSystem().endsWith("v3-Confidentiality")).map(c -> c.getCode())
                    .findFirst().orElse("N"));
        }
        Encounter restricted = data.encounters().stream()
                .filter(e -> "R".equals(marks.get(e.getSubject().getReference()))).findFirst().orElseThrow();
        Encounter normal = data.encounters().stream()
                .filter(e -> "N".equals(marks.get(e.getSubject().getReference()))).findFirst().orElseThrow();

        HttpResponse<String> held = get(guard("Encounter/" + restricted.getIdPart()), treat());
        HttpResponse<String> released = get(guard("Encounter/" + normal.getIdPart()), treat());

        assertThat(held.statusCode()).isEqualTo(403);
        assertThat(code(held)).isEqualTo("DG-2105");
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(security(JSON.readTree(released.body()))).contains("NORDSCLCD");
    }

    @Test
    void tokenSignedWithAnUnregisteredKey_isRefused() throws Exception {
        String token = SignedTokens.es256(STRANGER, claims("trust").claim("purpose_of_use", "TREAT"));

        HttpResponse<String> response = get(guard("Patient/9000000009"), token);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(code(response)).isEqualTo("DG-3205");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void tokenForAnotherAudience_isRefused() throws Exception {
        String token = SignedTokens.es256(TRUST, SignedTokens.claims("trust", "http://127.0.0.1:" + port + "/fhir",
                Instant.now()).claim("purpose_of_use", "TREAT"));

        HttpResponse<String> response = get(guard("Patient/9000000009"), token);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(code(response)).isEqualTo("DG-3206");
    }

    @Test
    void replayedToken_isRefusedTheSecondTime() throws Exception {
        String token = treat();

        HttpResponse<String> first = get(guard("Patient/9000000009"), token);
        HttpResponse<String> second = get(guard("Patient/9000000009"), token);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(401);
        assertThat(code(second)).isEqualTo("DG-3210");
    }

    private static String immigration(String legalBasis) {
        return SignedTokens.es256(HOME_OFFICE, claims("home-office").claim("purpose_of_use", "IMMIGENF")
                .claim("legal_basis", legalBasis).claim("case_reference", "HO-DEP-2026-0107")
                .claim("requesting_officer", "IO 2231 B. Example"));
    }
}

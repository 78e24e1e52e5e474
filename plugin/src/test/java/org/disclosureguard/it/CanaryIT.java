package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.testsupport.CanaryScan;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.testsupport.TestRequesters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * No protected value leaves in a redacted or refused answer. A patient is stored in the real practice server with
 * a unique canary in every protected element (names, identifiers, birth date, telecom, address, birthplace,
 * nationality, language, contacts, registered GP, the narrative, a contained RelatedPerson), beside a RelatedPerson
 * and an Observation about them. Requesters whose requests are refused or held (immigration enforcement, benefits,
 * police) must not get a single canary back, in any byte of the status line, headers or body, in any form
 * {@link CanaryScan} knows (raw, URL-encoded, base64 at any alignment, XML- or JSON-escaped); public health, whose
 * answers are redacted, must not get any location canary (LOCIS: address, telecom, contacts, birthplace, registered
 * GP, and the narrative that repeats them), while it still gets the name.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CanaryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String PATIENT_ID = "dg-canary-" + RUN;
    private static final String NHS_NUMBER = TestRequesters.nhsNumber(Integer.toUnsignedLong(RUN.hashCode()));
    private static final String BIRTH_DATE = "1931-07-13";

    private static final KeyPair PUBLIC_HEALTH = SignedTokens.ec();
    private static final KeyPair HOME_OFFICE = SignedTokens.ec();
    private static final KeyPair DEPARTMENT = SignedTokens.ec();
    private static final KeyPair POLICE = SignedTokens.ec();
    private static final Path REGISTRY = writeRegistry();

    /** Location canaries (LOCIS) by element; withheld from public health too. */
    private static final Map<String, String> LOCATION = new LinkedHashMap<>();
    /** Every other canary; released to public health, withheld from everyone refused. */
    private static final Map<String, String> OTHER = new LinkedHashMap<>();

    static {
        for (String element : List.of("address-line", "address-city", "address-postcode", "phone", "email",
                "contact-name", "contact-phone", "contact-address", "birthplace", "gp-display",
                "contained-address", "contained-phone", "related-address", "related-phone", "narrative")) {
            LOCATION.put(element, canary(element));
        }
        for (String element : List.of("family", "given", "nationality", "language", "contained-name",
                "related-name")) {
            OTHER.put(element, canary(element));
        }
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", REGISTRY::toString);
        registry.add("guard.identity.audience", () -> AUDIENCE);
    }

    @BeforeAll
    static void storeTheCanaryPatient() throws Exception {
        String base = PracticeServer.shared().baseUrl().toString();
        put(base + "/Patient/" + PATIENT_ID, patient());
        put(base + "/RelatedPerson/" + PATIENT_ID + "-rp", """
                {"resourceType":"RelatedPerson","id":"%s-rp","patient":{"reference":"Patient/%s"},
                 "name":[{"family":"%s"}],"telecom":[{"system":"phone","value":"%s"}],
                 "address":[{"line":["%s"]}]}
                """.formatted(PATIENT_ID, PATIENT_ID, OTHER.get("related-name"), LOCATION.get("related-phone"),
                LOCATION.get("related-address")));
        put(base + "/Observation/" + PATIENT_ID + "-obs", """
                {"resourceType":"Observation","id":"%s-obs","status":"final",
                 "code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},
                 "subject":{"reference":"Patient/%s"},"valueQuantity":{"value":172,"unit":"cm"}}
                """.formatted(PATIENT_ID, PATIENT_ID));
        String stored = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/Patient/" + PATIENT_ID)).build(),
                HttpResponse.BodyHandlers.ofString()).body()
                + HTTP.send(HttpRequest.newBuilder(URI.create(base + "/RelatedPerson/" + PATIENT_ID + "-rp")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
        for (String canary : all()) {
            assertThat(stored).as("the practice server keeps canary %s", canary).contains(canary);
        }
    }

    private static String patient() {
        String narrative = "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">" + OTHER.get("family") + " lives at "
                + LOCATION.get("narrative") + "</div>";
        return """
                {"resourceType":"Patient","id":"%s",
                 "text":{"status":"generated","div":"%s"},
                 "contained":[{"resourceType":"RelatedPerson","id":"rp1","patient":{"reference":"Patient/%s"},
                   "name":[{"family":"%s"}],"telecom":[{"system":"phone","value":"%s"}],
                   "address":[{"line":["%s"]}]}],
                 "extension":[
                   {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                    "valueAddress":{"city":"%s"}},
                   {"url":"http://hl7.org/fhir/StructureDefinition/patient-nationality",
                    "extension":[{"url":"code","valueCodeableConcept":{"text":"%s"}}]}],
                 "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%s"}],
                 "name":[{"family":"%s","given":["%s"]}],
                 "telecom":[{"system":"phone","value":"%s"},{"system":"email","value":"%s@example.org"}],
                 "gender":"female","birthDate":"%s",
                 "address":[{"line":["%s"],"city":"%s","postalCode":"%s"}],
                 "contact":[{"name":{"family":"%s"},"telecom":[{"system":"phone","value":"%s"}],
                   "address":{"line":["%s"]}}],
                 "communication":[{"language":{"text":"%s"}}],
                 "generalPractitioner":[{"display":"%s"}],
                 "link":[{"other":{"reference":"#rp1"},"type":"seealso"}]}
                """.formatted(PATIENT_ID, narrative, PATIENT_ID, OTHER.get("contained-name"),
                LOCATION.get("contained-phone"), LOCATION.get("contained-address"), LOCATION.get("birthplace"),
                OTHER.get("nationality"), NHS_NUMBER, OTHER.get("family"), OTHER.get("given"),
                LOCATION.get("phone"), LOCATION.get("email"), BIRTH_DATE, LOCATION.get("address-line"),
                LOCATION.get("address-city"), LOCATION.get("address-postcode"), LOCATION.get("contact-name"),
                LOCATION.get("contact-phone"), LOCATION.get("contact-address"), OTHER.get("language"),
                LOCATION.get("gp-display"));
    }

    /** The requests every requester makes: reads, the one search outsiders may make, and expansions. */
    private static List<String> requests() {
        String identifier = URLEncoder.encode("https://fhir.nhs.uk/Id/nhs-number|" + NHS_NUMBER,
                StandardCharsets.UTF_8);
        return List.of(
                "Patient/" + PATIENT_ID,
                "Patient?identifier=" + identifier + "&birthdate=" + BIRTH_DATE,
                "Patient?identifier=" + identifier + "&birthdate=" + BIRTH_DATE + "&_revinclude=RelatedPerson:patient",
                "RelatedPerson/" + PATIENT_ID + "-rp",
                "Observation/" + PATIENT_ID + "-obs",
                "Observation?subject=Patient/" + PATIENT_ID + "&_include=Observation:subject",
                "RelatedPerson?patient=" + PATIENT_ID,
                "Patient?family=" + OTHER.get("family"));
    }

    @Test
    void refusedAndHeldRequesters_getNoCanaryInAnyByte() throws Exception {
        Map<String, Supplier<String>> requesters = new LinkedHashMap<>();
        requesters.put("immigration, deportation case (held)", () -> SignedTokens.es256(HOME_OFFICE,
                claims("home-office", "IMMIGENF", "DEPORT-SERIOUS-CRIME")));
        requesters.put("immigration, administrative (refused)", () -> SignedTokens.es256(HOME_OFFICE,
                claims("home-office", "IMMIGENF", "IMMIGRATION-ADMIN")));
        requesters.put("benefits (refused)", () -> SignedTokens.es256(DEPARTMENT,
                claims("department", "BENEFITFRAUD", "BENEFIT-TAX")));
        requesters.put("police, serious crime (held)", () -> SignedTokens.es256(POLICE,
                claims("police", "CRIMEPREV", "SERIOUS-CRIME")));
        int answers = 0;
        for (Map.Entry<String, Supplier<String>> requester : requesters.entrySet()) {
            for (String request : requests()) {
                Answer answer = get(request, requester.getValue().get());

                assertThat(answer.status()).as("%s: %s", requester.getKey(), request).isBetween(400, 499);
                assertNoCanary(answer, all(), requester.getKey() + ": " + request);
                answers++;
            }
        }
        assertThat(answers).isEqualTo(requesters.size() * requests().size());
    }

    @Test
    void publicHealth_getsNoLocationCanary_butStillTheName() throws Exception {
        int released = 0;
        for (String request : requests()) {
            Answer answer = get(request, SignedTokens.es256(PUBLIC_HEALTH,
                    claims("agency", "PUBHLTH", "PUBLIC-HEALTH-STATUTORY")));

            assertNoCanary(answer, new ArrayList<>(LOCATION.values()), "public health: " + request);
            if (answer.status() == 200) {
                released++;
            }
        }
        Answer patient = get("Patient/" + PATIENT_ID, SignedTokens.es256(PUBLIC_HEALTH,
                claims("agency", "PUBHLTH", "PUBLIC-HEALTH-STATUTORY")));
        assertThat(patient.status()).as(patient.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(patient.body());
        assertThat(body.at("/name/0/family").asText()).isEqualTo(OTHER.get("family"));
        assertThat(body.path("meta").path("security").toString()).contains("REDACTED");
        assertThat(body.at("/contained/0/name/0/family").asText()).isEqualTo(OTHER.get("contained-name"));
        assertThat(released).as("reads and the identifying search are released, redacted").isGreaterThanOrEqualTo(3);
    }

    private record Answer(int status, String everything, String body) {}

    private Answer get(String relative, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/fhir/" + relative))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        StringBuilder everything = new StringBuilder().append(response.statusCode()).append('\n');
        response.headers().map().forEach((name, values) ->
                everything.append(name).append(": ").append(String.join(", ", values)).append('\n'));
        everything.append('\n').append(response.body());
        return new Answer(response.statusCode(), everything.toString(), response.body());
    }

    private static void assertNoCanary(Answer answer, List<String> canaries, String what) {
        assertThat(CanaryScan.find(answer.everything(), canaries)).as("%s leaks a canary", what).isEmpty();
    }

    private static List<String> all() {
        List<String> all = new ArrayList<>(LOCATION.values());
        all.addAll(OTHER.values());
        all.add(NHS_NUMBER);
        return all;
    }

    private static JWTClaimsSet.Builder claims(String clientId, String purpose, String legalBasis) {
        return SignedTokens.claims(clientId, AUDIENCE, Instant.now()).claim("purpose_of_use", purpose)
                .claim("legal_basis", legalBasis).claim("case_reference", "CASE-" + RUN)
                .claim("requesting_officer", "Officer " + RUN);
    }

    private static String canary(String element) {
        return "Cnry" + element.replace("-", "") + RUN;
    }

    private static void put(String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("PUT " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private static Path writeRegistry() {
        return TestRequesters.registry("canary-it", List.of(
                new TestRequesters.Requester("agency", "public-health", PUBLIC_HEALTH),
                new TestRequesters.Requester("home-office", "immigration-enforcement", HOME_OFFICE),
                new TestRequesters.Requester("department", "benefits", DEPARTMENT),
                new TestRequesters.Requester("police", "police", POLICE)));
    }
}

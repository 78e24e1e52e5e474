package org.disclosureguard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.redaction.TreeRedactor;
import org.disclosureguard.testsupport.Fixtures;
import org.disclosureguard.testsupport.SharedData;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.testsupport.TestRequesters;
import org.disclosureguard.upstream.UpstreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search answer released one entry at a time gives exactly what releasing it as one tree gives. The same Bundle
 * is served twice: as servers write it ({@code resourceType} and {@code type} first, so the guard streams its
 * entries) and with its entries first (so the guard has to read it whole). For every searchset fixture (PDS, Synthea,
 * the synthetic UK patients with their related persons and GPs, Synthea encounters and locations) and random mixes
 * of them, and for the practice, a provider and public health (which has addresses withheld and restricted records
 * dropped), both answers must be the same JSON, name the same decision, and leave the same audit record; the
 * streamed answer must be exactly what the guard's writer writes for it. Answers that fail half-way must record no
 * released patient either way. The upstream is a fake HTTP peer because the point is the order of the bytes it sends.
 */
class SearchsetStreamingTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FhirJson FHIR_JSON = new FhirJson();
    private static final String BASE = "https://guard.example.org/fhir";
    private static final String ASKED = "https://fhir.nhs.uk/Id/nhs-number|9000000009";
    private static final KeyPair AGENCY = SignedTokens.ec();
    private static final KeyPair PROVIDER = SignedTokens.ec();
    private static final WireMockServer UPSTREAM = new WireMockServer(wireMockConfig().dynamicPort()
            .bindAddress("127.0.0.1"));

    @TempDir
    static Path dir;

    private static ResponsePath path;
    private static final List<AuditEntry> AUDIT = Collections.synchronizedList(new ArrayList<>());

    /** Who asks. */
    private enum Asker { PRACTICE, PROVIDER, PUBLIC_HEALTH }

    @BeforeAll
    static void start() throws Exception {
        UPSTREAM.start();
        Path policyFile = dir.resolve("policy.yaml");
        Files.write(policyFile, PolicyEngine.defaultPolicyBytes());
        PolicyStore policies = PolicyStore.open(policyFile, Clock.systemUTC());
        RequesterAuthenticator authenticator = RequesterAuthenticator.builder(RequesterRegistry.parse("requesters.yaml",
                TestRequesters.yaml(List.of(new TestRequesters.Requester("agency", "public-health", AGENCY),
                        new TestRequesters.Requester("provider", "nhs-provider", PROVIDER))), Path.of(".")),
                PartnerCaTrust.none()).build();
        path = new ResponsePath(new UpstreamClient(URI.create(UPSTREAM.baseUrl() + "/fhir"), Duration.ofSeconds(2),
                Duration.ofSeconds(20), 64 << 20), new TreeLabeller(LabelConfiguration.defaults(FHIR)), FHIR_JSON,
                new DisclosureControl(authenticator, policies, new TreeRedactor(FHIR), BASE),
                (entry, patients, alsoWrite) -> AUDIT.add(entry), "guard-test-1", Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        UPSTREAM.stop();
    }

    @TestFactory
    Stream<DynamicTest> streamedAndWhole_agree_onEverySearchsetFixture() {
        Map<String, String> searchsets = new LinkedHashMap<>();
        Fixtures.all(FHIR).forEach((name, json) -> {
            if (json.contains("\"searchset\"")) {
                searchsets.put(name, json);
            }
        });
        List<String> synthetic = new ArrayList<>();
        Fixtures.all(FHIR).forEach((name, json) -> {
            if (name.startsWith("synthetic/")) {
                synthetic.add(json);
            }
        });
        searchsets.put("synthetic patients, related persons and GPs", searchset(synthetic));
        searchsets.put("synthea encounters", searchset(SharedData.ndjson("synthea/10-patients/Encounter.ndjson")));
        searchsets.put("synthea locations", searchset(SharedData.ndjson("synthea/10-patients/Location.ndjson")));
        return searchsets.entrySet().stream().flatMap(fixture -> Stream.of(Asker.values()).map(asker ->
                DynamicTest.dynamicTest(fixture.getKey() + " asked by " + asker, () ->
                        assertAgree(fixture.getValue(), asker))));
    }

    @TestFactory
    Stream<DynamicTest> streamedAndWhole_agree_onRandomMixes_seed20261123() {
        Random random = new Random(20261123L);
        List<String> pool = new ArrayList<>();
        Fixtures.all(FHIR).forEach((name, json) -> {
            if (!json.contains("\"Bundle\"")) {
                pool.add(json);
            }
        });
        pool.addAll(SharedData.ndjson("synthea/10-patients/Encounter.ndjson").subList(0, 20));
        pool.addAll(SharedData.ndjson("synthea/10-patients/Location.ndjson"));
        return IntStream.range(0, 24).mapToObj(i -> {
            List<String> chosen = new ArrayList<>();
            int size = random.nextInt(12);
            for (int n = 0; n < size; n++) {
                chosen.add(pool.get(random.nextInt(pool.size())));
            }
            ObjectNode bundle = (ObjectNode) read(searchset(chosen));
            vary(bundle, random);
            Asker asker = Asker.values()[random.nextInt(Asker.values().length)];
            return DynamicTest.dynamicTest("mix " + i + " of " + size + " asked by " + asker, () ->
                    assertAgree(bundle.toString(), asker));
        });
    }

    @Test
    void aBundleMalformedAfterItsFirstEntries_releasesNothing_andRecordsNoReleasedPatient() throws Exception {
        String good = SharedData.searchset(SharedData.ndjson("synthea/100-patients/Patient.ndjson").subList(0, 30),
                UPSTREAM.baseUrl() + "/fhir");
        String broken = good.substring(0, good.length() - 2) + ",{\"resource\":{\"resourceType\":\"Patient\",\"id\":1e}]}";
        ObjectNode tree = (ObjectNode) read(good);
        ((ObjectNode) tree.path("entry").get(29)).put("resource", 7);
        String notAnObject = tree.toString();
        for (String body : List.of(broken, notAnObject)) {
            Answer streamed = ask(body, Asker.PRACTICE);

            assertThat(streamed.status()).as(streamed.text()).isEqualTo(502);
            assertThat(streamed.text()).doesNotContain("Patient/");
            assertThat(streamed.audit().patients()).as("only the patient asked for, as for any refused search")
                    .containsExactly(ASKED);
            assertThat(streamed.audit().released()).isEmpty();
        }
        Answer whole = ask(entriesFirst(notAnObject), Asker.PRACTICE);
        assertThat(whole.status()).isEqualTo(502);
        assertThat(whole.audit().patients()).containsExactly(ASKED);
    }

    @Test
    void theStreamedAnswer_isWrittenExactlyAsTheWriterWritesItWhole() throws Exception {
        List<String> patients = SharedData.ndjson("synthea/100-patients/Patient.ndjson");
        String body = SharedData.searchset(patients, UPSTREAM.baseUrl() + "/fhir");

        Answer answer = ask(body, Asker.PUBLIC_HEALTH);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(FHIR_JSON.write(FHIR_JSON.readResource(answer.body())));
        assertThat(read(answer.text()).path("entry")).hasSize(patients.size());
        assertThat(answer.text()).doesNotContain(UPSTREAM.baseUrl()).contains("REDACTED");
    }

    private static void assertAgree(String bundle, Asker asker) throws Exception {
        Answer streamed = ask(headerFirst(bundle), asker);
        Answer whole = ask(entriesFirst(bundle), asker);

        assertThat(streamed.status()).as(streamed.text()).isEqualTo(200);
        assertThat(whole.status()).as(whole.text()).isEqualTo(200);
        assertThat(streamed.decision()).isEqualTo(whole.decision());
        assertThat(read(withoutPageTokens(streamed.text()))).as("the same answer, whichever way it was read")
                .isEqualTo(read(withoutPageTokens(whole.text())));
        assertThat(describe(streamed.audit())).isEqualTo(describe(whole.audit()));
        assertThat(streamed.body()).as("spliced exactly where the writer puts the entries")
                .isEqualTo(FHIR_JSON.write(FHIR_JSON.readResource(streamed.body())));
    }

    /** Page tokens are random, one per search. */
    private static String withoutPageTokens(String answer) {
        return answer.replaceAll("_getpages=[A-Za-z0-9_-]+", "_getpages=TOKEN");
    }

    /** What the audit entry says, without what differs by request (its id, time and the hash of the bytes). */
    private static List<Object> describe(AuditEntry entry) {
        return List.of(entry.outcome(), entry.ruleId(), entry.status(), String.valueOf(entry.code()),
                entry.patients(), entry.released(), entry.withheld(), entry.labels());
    }

    private record Answer(int status, byte[] body, String decision, AuditEntry audit) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Answer ask(String bundle, Asker asker) {
        UPSTREAM.resetAll();
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json;charset=UTF-8")
                .withBody(bundle.replace("http://upstream.test/fhir", UPSTREAM.baseUrl() + "/fhir"))));
        Map<String, String> headers = new LinkedHashMap<>();
        DisclosureControl.Connection connection = DisclosureControl.Connection.plain("127.0.0.1");
        if (asker != Asker.PRACTICE) {
            boolean agency = asker == Asker.PUBLIC_HEALTH;
            headers.put("Authorization", "Bearer " + SignedTokens.es256(agency ? AGENCY : PROVIDER,
                    SignedTokens.claims(agency ? "agency" : "provider", BASE, Instant.now())
                            .claim("purpose_of_use", agency ? "PUBHLTH" : "TREAT")
                            .claim("legal_basis", agency ? "PUBLIC-HEALTH-STATUTORY" : "DIRECT-CARE")
                            .claim("case_reference", "CASE-1").claim("requesting_officer", "Dr A")));
            connection = DisclosureControl.Connection.plain("10.0.0.9");
        }
        int before = AUDIT.size();
        ResponsePath.Outbound answer = path.handle(new ResponsePath.Inbound(ResponsePath.Interaction.SEARCH,
                "Patient", null, Map.of("identifier", new String[] {ASKED},
                "birthdate", new String[] {"2010-10-22"}), headers, BASE, connection));
        assertThat(AUDIT).hasSize(before + 1);
        return new Answer(answer.status(), answer.body(), answer.headers().get(DisclosureControl.DECISION_HEADER),
                AUDIT.get(before));
    }

    /** The same Bundle with its resourceType and type first, which lets the guard stream its entries. */
    private static String headerFirst(String bundle) {
        ObjectNode original = (ObjectNode) read(bundle);
        ObjectNode reordered = JSON.createObjectNode();
        reordered.set("resourceType", original.get("resourceType"));
        reordered.set("type", original.get("type"));
        reordered.setAll(original);
        return reordered.toString();
    }

    /** The same Bundle with its entries before every other field, which makes the guard read it whole. */
    private static String entriesFirst(String bundle) {
        ObjectNode original = (ObjectNode) read(bundle);
        ObjectNode reordered = JSON.createObjectNode();
        if (original.has("entry")) {
            reordered.set("entry", original.get("entry"));
        }
        original.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("entry")) {
                reordered.set(field.getKey(), field.getValue());
            }
        });
        return reordered.toString();
    }

    /** Varies what entries look like: no fullUrl, one off the practice server, entry links, an entry without resource. */
    private static void vary(ObjectNode bundle, Random random) {
        for (JsonNode node : bundle.path("entry")) {
            ObjectNode entry = (ObjectNode) node;
            switch (random.nextInt(6)) {
                case 0 -> entry.remove("fullUrl");
                case 1 -> entry.put("fullUrl", "https://elsewhere.example.org/fhir/Patient/x");
                case 2 -> entry.putArray("link").addObject().put("relation", "alternate")
                        .put("url", "http://upstream.test/fhir/Patient/x/_history/1");
                case 3 -> entry.remove("resource");
                default -> { }
            }
        }
        if (random.nextBoolean()) {
            ((ArrayNode) bundle.withArray("link")).addObject().put("relation", "next")
                    .put("url", "http://upstream.test/fhir?_getpages=abc&_getpagesoffset=10&_count=10");
        }
        if (random.nextBoolean()) {
            bundle.remove("total");
        }
    }

    private static String searchset(List<String> resources) {
        ObjectNode bundle = (ObjectNode) read(SharedData.searchset(resources, "http://upstream.test/fhir"));
        for (Iterator<JsonNode> it = bundle.path("entry").elements(); it.hasNext(); ) {
            ObjectNode entry = (ObjectNode) it.next();
            JsonNode resource = entry.path("resource");
            entry.put("fullUrl", "http://upstream.test/fhir/" + resource.path("resourceType").asText() + "/"
                    + resource.path("id").asText());
        }
        return bundle.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

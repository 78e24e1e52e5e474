package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.testsupport.CanaryScan;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.testsupport.TestRequesters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Bypass and bad-input attempts against the whole guard in front of the real practice server. A canary patient
 * (a unique value in every protected element) is stored in the practice server; three outside requesters ask for
 * it by every route a router, parser or search engine might offer: immigration enforcement without a
 * serious-crime basis (every request refused), statutory public health (redacted: never a location canary) and
 * an NHS provider for treatment (permitted, but only the one identifying search). Every answer must be either
 * exactly what the default policy allows or a clean 4xx OperationOutcome with a DG code, with no canary the
 * requester may not see in any byte and no stack trace, class name or server version; writes must leave the
 * practice server unchanged.
 *
 * <p>Each case prints one line ({@code BYPASS who | request | status | decision | body}) so a failure can be
 * read from the Failsafe output.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BypassIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String PATIENT_ID = "dg-bypass-" + RUN;
    private static final String TWIN_ID = PATIENT_ID + "-twin";
    private static final String NHS_NUMBER = TestRequesters.nhsNumber(Integer.toUnsignedLong(RUN.hashCode()));
    private static final String TWIN_NHS_NUMBER = TestRequesters.nhsNumber(Integer.toUnsignedLong(RUN.hashCode() + 7919));
    private static final String MISSING_NHS_NUMBER = TestRequesters.nhsNumber(Integer.toUnsignedLong(RUN.hashCode() + 104_729));
    private static final String BIRTH_DATE = "1931-07-13";
    private static final String MISSING_BIRTH_DATE = "1902-02-02";
    private static final String NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    private static final KeyPair HOME_OFFICE_KEY = SignedTokens.ec();
    private static final KeyPair AGENCY_KEY = SignedTokens.ec();
    private static final KeyPair TRUST_KEY = SignedTokens.ec();
    private static final Path REGISTRY = writeRegistry();

    /** Location canaries (LOCIS), withheld from public health. */
    private static final Map<String, String> LOCATION = new LinkedHashMap<>();
    /**
     * Canaries only in side channels the guard does not serve to anyone: an older version of the canary patient, and
     * a Provenance, DocumentReference, Binary and AuditEvent about them.
     */
    private static final Map<String, String> SIDE = new LinkedHashMap<>();
    /** Other canaries (released to public health and the NHS provider, never to a refused requester). */
    private static final Map<String, String> OTHER = new LinkedHashMap<>();

    static {
        for (String element : List.of("address-line", "postcode", "phone", "birthplace", "gp-display",
                "contact-name", "narrative")) {
            LOCATION.put(element, canary(element));
        }
        for (String element : List.of("family", "given", "nationality")) {
            OTHER.put(element, canary(element));
        }
        for (String element : List.of("older-address", "provenance-agent", "document-text", "binary-text",
                "auditevent-agent")) {
            SIDE.put(element, canary(element));
        }
    }

    /** Who asks. */
    enum Who {
        /** Immigration enforcement, administrative basis: every request refused (rule 4). */
        HOME_OFFICE,
        /** Statutory public health: redacted, no location (rule 14). */
        PUBLIC_HEALTH,
        /** An NHS provider for treatment: permitted (rule 13). */
        NHS_PROVIDER,
        /** The practice itself: no credentials, plain HTTP from loopback. */
        PRACTICE;

        static final List<Who> OUTSIDERS = List.of(HOME_OFFICE, PUBLIC_HEALTH, NHS_PROVIDER);
    }

    private static final Pattern INTERNALS = Pattern.compile(
            "(?i)(exception|\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|\\bjava\\.[a-z]|\\bjakarta\\.[a-z]|\\bjavax\\.[a-z]"
                    + "|org\\.springframework|org\\.apache|ca\\.uhn|com\\.fasterxml|org\\.disclosureguard"
                    + "|apache tomcat/\\d|caused by)");
    /** Status of an answer whose connection was closed without a response (an oversized request). */
    private static final int CLOSED = 0;
    private static final Pattern DG_CODE = Pattern.compile("DG-\\d{4}");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", REGISTRY::toString);
        registry.add("guard.identity.audience", () -> AUDIENCE);
    }

    @BeforeAll
    static void storeTheCanaryPatients() throws Exception {
        String base = PracticeServer.shared().baseUrl().toString();
        upstream("PUT", base + "/Patient/" + PATIENT_ID, patient(PATIENT_ID, NHS_NUMBER)
                .replace(LOCATION.get("address-line"), SIDE.get("older-address")));
        upstream("PUT", base + "/Patient/" + PATIENT_ID, patient(PATIENT_ID, NHS_NUMBER));
        storeTheSideChannels(base);
        upstream("PUT", base + "/Patient/" + TWIN_ID, patient(TWIN_ID, TWIN_NHS_NUMBER));
        upstream("PUT", base + "/Observation/" + PATIENT_ID + "-obs", """
                {"resourceType":"Observation","id":"%s-obs","status":"final",
                 "code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},
                 "subject":{"reference":"Patient/%s"},"valueQuantity":{"value":172,"unit":"cm"}}
                """.formatted(PATIENT_ID, PATIENT_ID));
        String stored = upstream("GET", base + "/Patient/" + PATIENT_ID, null).body();
        for (String canary : all()) {
            assertThat(stored).as("the practice server keeps canary %s", canary).contains(canary);
        }
    }

    /** A Provenance, DocumentReference, Binary, AuditEvent and Location about the canary patient, in the practice server. */
    private static void storeTheSideChannels(String base) throws IOException, InterruptedException {
        String letter = Base64.getEncoder().encodeToString(("Letter to " + SIDE.get("document-text") + ", "
                + LOCATION.get("address-line")).getBytes(StandardCharsets.UTF_8));
        upstream("PUT", base + "/Provenance/" + PATIENT_ID + "-prov", """
                {"resourceType":"Provenance","id":"%1$s-prov","target":[{"reference":"Patient/%1$s"}],
                 "recorded":"2026-01-01T00:00:00Z","agent":[{"who":{"display":"%2$s"}}]}
                """.formatted(PATIENT_ID, SIDE.get("provenance-agent")));
        upstream("PUT", base + "/DocumentReference/" + PATIENT_ID + "-doc", """
                {"resourceType":"DocumentReference","id":"%1$s-doc","status":"current",
                 "subject":{"reference":"Patient/%1$s"},"description":"%2$s",
                 "content":[{"attachment":{"contentType":"text/plain","data":"%3$s"}}]}
                """.formatted(PATIENT_ID, SIDE.get("document-text"), letter));
        upstream("PUT", base + "/Binary/" + PATIENT_ID + "-bin", """
                {"resourceType":"Binary","id":"%1$s-bin","contentType":"text/plain","data":"%2$s"}
                """.formatted(PATIENT_ID, Base64.getEncoder().encodeToString(SIDE.get("binary-text")
                .getBytes(StandardCharsets.UTF_8))));
        upstream("PUT", base + "/AuditEvent/" + PATIENT_ID + "-audit", """
                {"resourceType":"AuditEvent","id":"%1$s-audit",
                 "type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110110"},
                 "recorded":"2026-01-01T00:00:00Z",
                 "agent":[{"requestor":true,"who":{"display":"%2$s"}}],
                 "source":{"observer":{"display":"practice"}},
                 "entity":[{"what":{"reference":"Patient/%1$s"}}]}
                """.formatted(PATIENT_ID, SIDE.get("auditevent-agent")));
        upstream("PUT", base + "/Location/" + PATIENT_ID + "-loc", """
                {"resourceType":"Location","id":"%1$s-loc","name":"Home visit",
                 "address":{"line":["%2$s"],"postalCode":"%3$s"}}
                """.formatted(PATIENT_ID, LOCATION.get("address-line"), LOCATION.get("postcode")));
        for (String type : List.of("Provenance/" + PATIENT_ID + "-prov", "DocumentReference/" + PATIENT_ID + "-doc",
                "Binary/" + PATIENT_ID + "-bin", "AuditEvent/" + PATIENT_ID + "-audit",
                "Location/" + PATIENT_ID + "-loc")) {
            assertThat(upstream("GET", base + "/" + type, null).statusCode()).as("stored " + type).isEqualTo(200);
        }
        assertThat(upstream("GET", base + "/Patient/" + PATIENT_ID + "/_history/1", null).body())
                .as("the older version keeps its canary").contains(SIDE.get("older-address"));
    }

    // ---------------------------------------------------------------- side channels

    /**
     * Side channels: the patient's older version, Provenance, documents, binaries and audit records about them are
     * not served to anyone through the guard (not even the practice's own systems, which reach the practice server
     * directly); a Location carrying the patient's address is served as policy allows, never with a location canary
     * to public health, never at all to a refused requester.
     */
    @TestFactory
    Stream<DynamicTest> sideChannels_neverCarryTheCanaries() {
        List<Req> notServed = List.of(
                Req.get("/fhir/Patient/" + PATIENT_ID + "/_history/1"),
                Req.get("/fhir/Provenance/" + PATIENT_ID + "-prov"),
                Req.get("/fhir/Provenance?target=Patient/" + PATIENT_ID),
                Req.get("/fhir/DocumentReference/" + PATIENT_ID + "-doc"),
                Req.get("/fhir/DocumentReference?subject=Patient/" + PATIENT_ID),
                Req.get("/fhir/Binary/" + PATIENT_ID + "-bin"),
                Req.get("/fhir/AuditEvent/" + PATIENT_ID + "-audit"),
                Req.get("/fhir/AuditEvent?entity=Patient/" + PATIENT_ID),
                Req.get("/fhir/Patient?_id=" + PATIENT_ID + "&_revinclude=Provenance:target"),
                Req.get("/fhir/Patient?_id=" + PATIENT_ID + "&_has:Provenance:target:agent=x"));
        List<Req> served = List.of(
                Req.get("/fhir/Location/" + PATIENT_ID + "-loc"),
                Req.get("/fhir/Location?address=" + LOCATION.get("address-line")),
                Req.get("/fhir/Location?name=Home%20visit"));
        List<String> side = new ArrayList<>(SIDE.values());
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.values()) {
            for (Req request : notServed) {
                if (who == Who.PRACTICE && request.target().contains("_revinclude=Provenance")
                        || who == Who.PRACTICE && request.target().contains("_has:")) {
                    continue; // the practice's own systems may search their own Provenance
                }
                tests.add(DynamicTest.dynamicTest(who + " " + request, () -> {
                    Answer answer = send(who, request);
                    assertThat(answer.status()).as("%s %s: %s", who, request, answer.everything()).isBetween(400, 499);
                    assertNoInternals(answer, who + " " + request);
                    assertNoCanary(answer, side, who + " " + request);
                    if (who != Who.PRACTICE) {
                        assertNoCanary(answer, all(), who + " " + request);
                    }
                }));
            }
            for (Req request : served) {
                tests.add(DynamicTest.dynamicTest(who + " " + request, () -> {
                    Answer answer = send(who, request);
                    assertClean(who, request, answer);
                    assertNoCanary(answer, side, who + " " + request);
                    if (who == Who.HOME_OFFICE) {
                        assertThat(answer.status()).as("%s %s", who, request).isBetween(400, 499);
                    }
                }));
            }
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------- paths and methods

    @TestFactory
    Stream<DynamicTest> pathsAndMethods_serveWhatPolicyAllowsOrRefuse() {
        String id = PATIENT_ID;
        List<Req> requests = new ArrayList<>(List.of(
                Req.get("/fhir/Patient%2F" + id),
                Req.get("/fhir/Patient%2f" + id),
                Req.get("/fhir/Observation/..%2FPatient%2F" + id),
                Req.get("/fhir/Patient/..%2F..%2FObservation%2F" + id + "-obs"),
                Req.get("/fhir/Patient/%2E%2E/Observation/" + id + "-obs"),
                Req.get("/fhir/Patient/" + id + "%2F_history"),
                Req.get("/fhir//Patient/" + id),
                Req.get("/fhir/Patient//" + id),
                Req.get("//fhir/Patient/" + id),
                Req.get("/fhir/./Patient/" + id),
                Req.get("/fhir/Patient/" + id + "/"),
                Req.get("/fhir/Patient;x=1/" + id),
                Req.get("/fhir/Patient/" + id + ";x=1"),
                Req.get("/fhir;x=1/Patient/" + id),
                Req.get("/fhir/Patient/" + id + "/..;/..;/Observation/" + id + "-obs"),
                Req.get("/fhir/Patient/" + id + "/RelatedPerson"),
                Req.get("/fhir/Patient/" + id + "/Observation"),
                Req.get("/fhir/Patient/" + id + "%00"),
                Req.get("/fhir/Patient/" + id + "%E2%80%8B"),
                Req.get("/fhir/Patient/" + id + "%C0%AF"),
                Req.get("/fhir/%EF%BC%B0atient/" + id),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "%00&birthdate="
                        + BIRTH_DATE),
                Req.get("/fhir/Patient/" + id).header("X-HTTP-Method-Override", "DELETE"),
                Req.get("/fhir/Patient/" + id).header("X-HTTP-Method-Override", "PUT"),
                Req.get("/fhir/Patient/" + id + "?_method=DELETE"),
                Req.of("POST", "/fhir/Patient/" + id).header("X-HTTP-Method-Override", "GET"),
                Req.of("POST", "/fhir/Patient/" + id).form("_method=GET"),
                Req.of("HEAD", "/fhir/Patient/" + id),
                Req.of("HEAD", "/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate="
                        + BIRTH_DATE),
                Req.of("OPTIONS", "/fhir/Patient/" + id),
                Req.of("OPTIONS", "/fhir"),
                Req.of("TRACE", "/fhir/Patient/" + id),
                Req.of("PROPFIND", "/fhir/Patient/" + id),
                Req.get("/fhir/Patient/" + id + "?_format=json&_format=xml"),
                Req.get("/fhir/Patient/" + id + "?_format=xml").header("Accept", "application/fhir+json"),
                Req.get("/fhir/Patient/" + id + "?_format=html"),
                Req.get("/fhir/Patient/" + id + "?_format=application/fhir%2Bjson&_format=text/turtle")));
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.OUTSIDERS) {
            for (Req request : requests) {
                tests.add(DynamicTest.dynamicTest(who + " " + request, () -> {
                    Answer answer = send(who, request);
                    assertClean(who, request, answer);
                }));
            }
        }
        // Case tricks on the resource type are not a resource type the guard offers: refused for everyone.
        for (Who who : Who.values()) {
            for (Req request : List.of(Req.get("/fhir/patient/" + id), Req.get("/fhir/PATIENT/" + id),
                    Req.get("/fhir/Patient/" + id + "/_history/1"))) {
                tests.add(DynamicTest.dynamicTest(who + " " + request + " is refused", () -> {
                    Answer answer = send(who, request);
                    assertRefused(who, request, answer);
                }));
            }
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------- search expansion by outsiders

    @TestFactory
    Stream<DynamicTest> searchExpansionByOutsiders_isRefusedBeforeUpstream() {
        String one = "identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate=" + BIRTH_DATE;
        List<Req> requests = List.of(
                // repeated, OR and odd values
                Req.get("/fhir/Patient?" + one + "&identifier=" + enc(NHS_SYSTEM + "|" + TWIN_NHS_NUMBER)),
                Req.get("/fhir/Patient?" + one + "&identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER)),
                Req.get("/fhir/Patient?" + one + "&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?" + one + "&birthdate=" + MISSING_BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER + "," + NHS_SYSTEM + "|"
                        + TWIN_NHS_NUMBER) + "&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "%0A&birthdate="
                        + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate="
                        + BIRTH_DATE + "%0A"),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate="
                        + enc("１９３１-07-13")),
                Req.get("/fhir/Patient?identifier=" + enc("|" + NHS_NUMBER) + "&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + NHS_NUMBER + "&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER)),
                Req.get("/fhir/Patient?birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate=ge"
                        + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate=1931"),
                Req.get("/fhir/Patient?Identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate="
                        + BIRTH_DATE),
                Req.get("/fhir/Patient?" + one + "&identifier%00=x"),
                // includes, chains, _has
                Req.get("/fhir/Patient?" + one + "&_include=Patient:general-practitioner"),
                Req.get("/fhir/Patient?" + one + "&_include=*"),
                Req.get("/fhir/Patient?" + one + "&_include:iterate=*"),
                Req.get("/fhir/Patient?" + one + "&_revinclude=Observation:subject"),
                Req.get("/fhir/Patient?" + one + "&_revinclude:iterate=Observation:subject"),
                Req.get("/fhir/Patient?" + one + "&_revinclude=*"),
                Req.get("/fhir/Patient?" + one + "&%5Frevinclude=*"),
                Req.get("/fhir/Patient?" + one + "&general-practitioner.name=x"),
                Req.get("/fhir/Patient?" + one + "&_has:Observation:subject:code=8302-2"),
                Req.get("/fhir/Patient?" + one + "&_sort=family"),
                Req.get("/fhir/Patient?" + one + "&_filter=" + enc("family eq \"x\"")),
                // modifiers
                Req.get("/fhir/Patient?" + one + "&family:missing=false"),
                Req.get("/fhir/Patient?identifier:missing=false&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate:not="
                        + MISSING_BIRTH_DATE),
                Req.get("/fhir/Patient?" + one + "&family:contains=" + OTHER.get("family").substring(0, 6)),
                Req.get("/fhir/Patient?" + one + "&family:exact=" + OTHER.get("family")),
                Req.get("/fhir/Patient?identifier:of-type=" + enc(NHS_SYSTEM + "|NH|" + NHS_NUMBER) + "&birthdate="
                        + BIRTH_DATE),
                // result shaping
                Req.get("/fhir/Patient?" + one + "&_security=" + enc("http://terminology.hl7.org/CodeSystem/"
                        + "v3-Confidentiality|R")),
                Req.get("/fhir/Patient?" + one + "&_tag=x"),
                Req.get("/fhir/Patient?" + one + "&_elements=address,telecom"),
                Req.get("/fhir/Patient?" + one + "&_summary=count"),
                Req.get("/fhir/Patient?" + one + "&_summary=true"),
                Req.get("/fhir/Patient?" + one + "&_count=0"),
                Req.get("/fhir/Patient?" + one + "&_total=accurate"),
                Req.get("/fhir/Patient?" + one + "&_id=" + PATIENT_ID),
                Req.get("/fhir/Patient?" + one + "&_content=x"),
                Req.get("/fhir/Patient?" + one + "&unknownparam=1"),
                Req.get("/fhir/Patient?" + one + "&address-postalcode=" + LOCATION.get("postcode")),
                Req.get("/fhir/Observation?subject=Patient/" + PATIENT_ID),
                Req.get("/fhir/Patient/_search?" + one + "&_revinclude=*"),
                // POST _search with a form body
                Req.of("POST", "/fhir/Patient/_search").form(one + "&_revinclude=*"),
                Req.of("POST", "/fhir/Patient/_search?" + one).form("identifier="
                        + enc(NHS_SYSTEM + "|" + TWIN_NHS_NUMBER)),
                Req.of("POST", "/fhir/Patient/_search?" + one).form("_include=*"),
                Req.of("POST", "/fhir/Patient/_search").form("family=" + OTHER.get("family")));
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.OUTSIDERS) {
            for (Req request : requests) {
                tests.add(DynamicTest.dynamicTest(who + " " + request, () -> {
                    Answer answer = send(who, request);
                    assertRefused(who, request, answer);
                    if (request.toString().contains("%00")) {
                        assertThat(answer.status()).as("%s %s: unreadable", who, request).isEqualTo(400);
                        assertThat(answer.body()).contains("DG-1205");
                        return;
                    }
                    assertThat(answer.status()).as("%s %s: a policy refusal", who, request).isEqualTo(403);
                    assertThat(answer.header("X-DG-Decision")).as("%s %s: the refusing rule", who, request)
                            .isNotNull();
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void theOneIdentifyingSearch_isServedAsPolicyAllows() throws Exception {
        String one = "identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate=" + BIRTH_DATE;
        for (Req request : List.of(Req.get("/fhir/Patient?" + one),
                Req.of("POST", "/fhir/Patient/_search").form(one))) {
            Answer provider = send(Who.NHS_PROVIDER, request);
            assertThat(provider.status()).as("%s: %s", request, provider.body()).isEqualTo(200);
            JsonNode bundle = JSON.readTree(provider.body());
            assertThat(bundle.has("total")).as("no total for outsiders").isFalse();
            assertThat(bundle.path("entry")).hasSize(1);
            assertThat(bundle.at("/entry/0/resource/id").asText()).isEqualTo(PATIENT_ID);
            assertThat(provider.body()).contains(LOCATION.get("address-line")).contains("NORDSCLCD");

            Answer publicHealth = send(Who.PUBLIC_HEALTH, request);
            assertThat(publicHealth.status()).as("%s: %s", request, publicHealth.body()).isEqualTo(200);
            assertNoCanary(publicHealth, new ArrayList<>(LOCATION.values()), "public health " + request);
            assertThat(publicHealth.body()).contains(OTHER.get("family")).contains("REDACTED");
            assertThat(JSON.readTree(publicHealth.body()).has("total")).isFalse();
        }
    }

    // ---------------------------------------------------------------- tracing oracles

    @Test
    void fishingByARefusedRequester_readsTheSameWhetherOrNotThePatientExists() throws Exception {
        Req existing = Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate="
                + BIRTH_DATE);
        Req missing = Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + MISSING_NHS_NUMBER)
                + "&birthdate=" + MISSING_BIRTH_DATE);
        Req existingRead = Req.get("/fhir/Patient/" + PATIENT_ID);
        Req missingRead = Req.get("/fhir/Patient/dg-bypass-nobody-" + RUN);
        for (Req[] pair : List.of(new Req[] {existing, missing}, new Req[] {existingRead, missingRead})) {
            Answer a = send(Who.HOME_OFFICE, pair[0]);
            Answer b = send(Who.HOME_OFFICE, pair[1]);
            assertRefused(Who.HOME_OFFICE, pair[0], a);
            assertThat(a.withoutRequestId()).as("existing vs missing: %s vs %s", pair[0], pair[1])
                    .isEqualTo(b.withoutRequestId());
        }
    }

    @Test
    void aPermittedSearchMatchingNobody_isABundleWithoutTotal() throws Exception {
        Req missing = Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + MISSING_NHS_NUMBER)
                + "&birthdate=" + MISSING_BIRTH_DATE);
        Req wrongBirthDate = Req.get("/fhir/Patient?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER)
                + "&birthdate=" + MISSING_BIRTH_DATE);
        for (Who who : List.of(Who.NHS_PROVIDER, Who.PUBLIC_HEALTH)) {
            for (Req request : List.of(missing, wrongBirthDate)) {
                Answer answer = send(who, request);
                assertThat(answer.status()).as("%s %s: %s", who, request, answer.body()).isEqualTo(200);
                JsonNode bundle = JSON.readTree(answer.body());
                assertThat(bundle.path("resourceType").asText()).isEqualTo("Bundle");
                assertThat(bundle.has("total")).as("%s %s: no total", who, request).isFalse();
                assertThat(bundle.path("entry").size()).as("%s %s: no entry", who, request).isZero();
                // The self link echoes the requester's own query (the NHS number it sent); nothing else may show.
                List<String> notSent = new ArrayList<>(all());
                notSent.remove(NHS_NUMBER);
                assertNoCanary(answer, notSent, who + " " + request);
            }
        }
    }

    @Test
    void aPageOfThePracticesOwnNameSearch_isNotServedToAnOutsider() throws Exception {
        Answer own = send(Who.PRACTICE, Req.get("/fhir/Patient?family=" + OTHER.get("family") + "&_count=1"));
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        String next = null;
        for (JsonNode link : JSON.readTree(own.body()).path("link")) {
            if ("next".equals(link.path("relation").asText())) {
                next = link.path("url").asText();
            }
        }
        assertThat(next).as("the practice's search has a second page: %s", own.body()).isNotNull();
        URI page = URI.create(next);
        Req request = Req.get(page.getRawPath() + "?" + page.getRawQuery());
        // A page belongs to whoever made the search; an outsider who could not have made a search by name must
        // not be able to read its pages. Every outsider is asked before anything is asserted, so the failure
        // message lists all of them.
        Map<Who, Integer> statuses = new LinkedHashMap<>();
        for (Who who : Who.OUTSIDERS) {
            Answer answer = send(who, request);
            statuses.put(who, answer.status());
            assertNoInternals(answer, who + " " + request);
            if (who == Who.PUBLIC_HEALTH) {
                assertNoCanary(answer, new ArrayList<>(LOCATION.values()), who + " " + request);
            }
        }
        assertThat(statuses).as("%s: status by requester", request)
                .allSatisfy((who, status) -> assertThat(status).as(who.name()).isBetween(400, 499));
    }

    // ---------------------------------------------------------------- history and operations

    @TestFactory
    Stream<DynamicTest> historyAndOperations_areRefused() throws Exception {
        String held = heldCaseOfTheHomeOffice();
        List<Req> requests = List.of(
                Req.get("/fhir/Patient/" + PATIENT_ID + "/_history"),
                Req.get("/fhir/Patient/" + PATIENT_ID + "/_history/1"),
                Req.get("/fhir/Patient/_history"),
                Req.get("/fhir/_history"),
                Req.get("/fhir/Patient/" + PATIENT_ID + "/$everything"),
                Req.get("/fhir/Patient/$everything"),
                Req.get("/fhir/Patient/" + PATIENT_ID + "/%24everything"),
                Req.get("/fhir/$graphql?query=" + enc("{Patient(id:\"" + PATIENT_ID + "\"){address{line}}}")),
                Req.get("/fhir/Patient/" + PATIENT_ID + "/$graphql?query=" + enc("{address{line}}")),
                Req.get("/fhir/$export"),
                Req.get("/fhir/Patient/$export"),
                Req.of("POST", "/fhir/Patient/$match").json("""
                        {"resourceType":"Parameters","parameter":[{"name":"resource","resource":
                         {"resourceType":"Patient","birthDate":"%s"}}]}""".formatted(BIRTH_DATE)),
                Req.get("/fhir/Patient/" + PATIENT_ID + "/$meta"),
                Req.get("/fhir/$meta"),
                Req.get("/fhir/Patient/$validate"),
                Req.get("/fhir?_getpages=" + UUID.randomUUID() + "&_getpagesoffset=0&_count=1&_bundletype=searchset"),
                Req.get("/fhir?_getpages=..%2FPatient%2F" + PATIENT_ID + "&_getpagesoffset=0&_count=1"),
                Req.get("/fhir/Patient?_getpages=" + UUID.randomUUID() + "&_getpagesoffset=0&_count=1"),
                Req.get("/fhir/$review?case=" + enc("' OR '1'='1")),
                Req.get("/fhir/$review?case=..%2F..%2Fetc%2Fpasswd"),
                Req.get("/fhir/$review?case=%00"),
                Req.get("/fhir/$review?case=" + held + "&case=" + held),
                Req.get("/fhir/$review"),
                Req.get("/fhir/Patient/" + PATIENT_ID + "/$review?case=" + held));
        Req othersCase = Req.get("/fhir/$review?case=" + held);
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.OUTSIDERS) {
            for (Req request : requests) {
                tests.add(DynamicTest.dynamicTest(who + " " + request, () -> {
                    Answer answer = send(who, request);
                    assertRefused(who, request, answer);
                }));
            }
        }
        // The case belongs to the Home Office (held on a serious-crime basis): anyone else polling it is refused.
        for (Who who : List.of(Who.PUBLIC_HEALTH, Who.NHS_PROVIDER, Who.PRACTICE)) {
            tests.add(DynamicTest.dynamicTest(who + " polls another requester's case " + othersCase, () -> {
                Answer answer = send(who, othersCase);
                assertRefused(who, othersCase, answer);
            }));
        }
        tests.add(DynamicTest.dynamicTest("HOME_OFFICE polls its own case: still waiting, nothing released", () -> {
            Answer answer = send(Who.HOME_OFFICE, othersCase);
            assertThat(answer.status()).as(answer.everything()).isEqualTo(202);
            assertThat(answer.body()).contains("DG-2105");
            assertNoCanary(answer, all(), "HOME_OFFICE " + othersCase);
        }));
        return tests.stream();
    }

    // ---------------------------------------------------------------- writes

    @TestFactory
    Stream<DynamicTest> writes_areRefused_andThePracticeServerIsUnchanged() throws Exception {
        String base = PracticeServer.shared().baseUrl().toString();
        String before = upstream("GET", base + "/Patient/" + PATIENT_ID, null).body();
        String replaced = patient(PATIENT_ID, NHS_NUMBER).replace(LOCATION.get("address-line"), "Overwritten 1");
        String conditional = "?identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER);
        List<Req> requests = List.of(
                Req.of("PUT", "/fhir/Patient/" + PATIENT_ID).json(replaced),
                Req.of("PUT", "/fhir/Patient" + conditional).json(replaced),
                Req.of("PATCH", "/fhir/Patient/" + PATIENT_ID).body("application/json-patch+json",
                        "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]"),
                Req.of("PATCH", "/fhir/Patient" + conditional).body("application/json-patch+json",
                        "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]"),
                Req.of("POST", "/fhir/Patient").json(replaced.replace(PATIENT_ID, PATIENT_ID + "-new")),
                Req.of("POST", "/fhir/Patient").json(replaced).header("If-None-Exist", conditional.substring(1)),
                Req.of("DELETE", "/fhir/Patient/" + PATIENT_ID),
                Req.of("DELETE", "/fhir/Patient" + conditional),
                Req.of("DELETE", "/fhir/Patient/" + PATIENT_ID + "/_history/1"),
                Req.of("POST", "/fhir/Subscription").json("""
                        {"resourceType":"Subscription","status":"requested","reason":"x","criteria":"Patient?",
                         "channel":{"type":"rest-hook","endpoint":"http://127.0.0.1:9/hook",
                         "payload":"application/fhir+json"}}"""),
                Req.of("POST", "/fhir").json("""
                        {"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE",
                         "url":"Patient/%s"}}]}""".formatted(PATIENT_ID)),
                Req.of("POST", "/fhir").json("""
                        {"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET",
                         "url":"Patient/%s"}}]}""".formatted(PATIENT_ID)),
                Req.of("POST", "/fhir/Patient/" + PATIENT_ID).json(replaced)
                        .header("X-HTTP-Method-Override", "PUT"),
                Req.of("POST", "/fhir/Patient/" + PATIENT_ID + "?_method=DELETE").json("{}"),
                Req.of("POST", "/fhir/Patient/" + PATIENT_ID + "/$meta-add").json("""
                        {"resourceType":"Parameters","parameter":[{"name":"meta","valueMeta":
                         {"tag":[{"system":"x","code":"y"}]}}]}"""));
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.values()) {
            for (Req request : requests) {
                tests.add(DynamicTest.dynamicTest(who + " " + request, () -> {
                    Answer answer = send(who, request);
                    assertRefused(who, request, answer);
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("the canary patient in the practice server is unchanged", () -> {
            HttpResponse<String> after = upstream("GET", base + "/Patient/" + PATIENT_ID, null);
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).isEqualTo(before);
            assertThat(upstream("GET", base + "/Patient/" + PATIENT_ID + "-new", null).statusCode())
                    .isEqualTo(404);
            assertThat(upstream("GET", base + "/Subscription?status=requested,active", null).body())
                    .doesNotContain("127.0.0.1:9/hook");
        }));
        return tests.stream();
    }

    // ---------------------------------------------------------------- parser abuse

    @TestFactory
    Stream<DynamicTest> parserAbuse_getsACleanAnswer() {
        String one = "identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate=" + BIRTH_DATE;
        String deep = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
        String deepArray = "[".repeat(50_000) + "]".repeat(50_000);
        String xml = """
                <?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <Patient xmlns="http://hl7.org/fhir"><id value="&x;"/></Patient>""";
        String big = "A".repeat(64 * 1024);
        List<Req> requests = List.of(
                Req.get("/fhir/Patient/" + PATIENT_ID).header("Accept", "application/fhir+xml"),
                Req.get("/fhir/Patient?" + one).header("Accept", "application/fhir+xml"),
                Req.get("/fhir/Patient/" + PATIENT_ID).header("Accept", "application/xml;q=1, */*;q=0"),
                Req.get("/fhir/Patient/" + PATIENT_ID).header("Accept", "text/html"),
                Req.of("POST", "/fhir/Patient/_search").body("application/fhir+xml", xml),
                Req.of("POST", "/fhir/Patient").body("application/fhir+xml", xml),
                Req.of("POST", "/fhir/Patient/_search").json(deep),
                Req.of("POST", "/fhir/Patient/_search").json(deepArray),
                Req.of("POST", "/fhir").json(deep),
                Req.of("POST", "/fhir/Patient/_search").form(one + "&" + "x=%".repeat(10)),
                Req.of("POST", "/fhir/Patient/_search").body("application/x-www-form-urlencoded; charset=UTF-7",
                        one),
                Req.get("/fhir/Patient?identifier=%C0%AF&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=%FF%FE%FD&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?identifier=%ED%A0%80&birthdate=" + BIRTH_DATE),
                Req.get("/fhir/Patient?%FF=1"),
                Req.get("/fhir/Patient/" + PATIENT_ID + "?_pretty=%FF"),
                Req.get("/fhir/Patient/" + big),
                Req.get("/fhir/Patient?" + one + "&x=" + big),
                Req.get("/fhir/Patient/" + PATIENT_ID).header("X-Padding", big),
                Req.get("/fhir/Patient/" + PATIENT_ID).header("X-DG-Purpose-Of-Use", big),
                Req.get("/fhir/Patient/" + PATIENT_ID).header("Prefer", "respond-async, " + big.substring(0, 4000)),
                Req.get("/fhir/Patient/" + PATIENT_ID).header("Accept", "application/fhir+json;" + "q=1;".repeat(
                        1000)));
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.values()) {
            for (Req request : requests) {
                tests.add(DynamicTest.dynamicTest(who + " " + request, () -> {
                    Answer answer = send(who, request);
                    assertClean(who, request, answer);
                    if (who == Who.HOME_OFFICE) {
                        assertThat(answer.status()).as("%s %s", who, request).isBetween(400, 499);
                    }
                }));
            }
        }
        // Bytes an HTTP client library will not send: raw invalid UTF-8, a raw NUL, an oversized request line.
        for (Who who : List.of(Who.HOME_OFFICE, Who.PUBLIC_HEALTH, Who.PRACTICE)) {
            for (byte[] line : List.of(bytes("GET /fhir/Patient/", new byte[] {(byte) 0xC0, (byte) 0xAF}, ""),
                    bytes("GET /fhir/Patient?identifier=", new byte[] {(byte) 0xFF, 0}, "&birthdate=" + BIRTH_DATE),
                    bytes("GET /fhir/Patient?identifier=%&birthdate=" + BIRTH_DATE, new byte[0], ""),
                    bytes("GET /fhir/Patient?identifier=%zz&birthdate=" + BIRTH_DATE, new byte[0], ""),
                    bytes("GET /fhir/Patient/" + "B".repeat(70_000), new byte[0], ""))) {
                String name = who + " raw " + new String(line, 0, Math.min(line.length, 40),
                        StandardCharsets.ISO_8859_1).replace("\0", "\\0") + "...";
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Answer answer = raw(who, line);
                    print(who, name, answer);
                    assertThat(answer.status() == CLOSED || answer.status() >= 400 && answer.status() <= 499)
                            .as(name + ": " + abbreviate(answer.everything(), 2000)).isTrue();
                    assertNoInternals(answer, name);
                    assertNoCanary(answer, all(), name);
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Compressed request bodies: the guard never inflates a request body (Tomcat does not decode
     * {@code Content-Encoding}, and no outsider write or search body is accepted anyway), so a body that would inflate
     * to 64 MiB is refused as it is, and the guard answers normally afterwards.
     */
    @TestFactory
    Stream<DynamicTest> compressedBodies_areNeverInflated() throws IOException {
        byte[] bomb = gzippedSpaces(64);
        String one = "identifier=" + enc(NHS_SYSTEM + "|" + NHS_NUMBER) + "&birthdate=" + BIRTH_DATE;
        java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(form)) {
            gzip.write(one.getBytes(StandardCharsets.UTF_8));
        }
        record Compressed(String method, String target, String contentType, byte[] body) {}
        List<Compressed> requests = List.of(
                new Compressed("POST", "/fhir/Patient/_search", "application/x-www-form-urlencoded", bomb),
                new Compressed("POST", "/fhir/Patient/_search", "application/x-www-form-urlencoded",
                        form.toByteArray()),
                new Compressed("POST", "/fhir/Patient", "application/fhir+json", bomb),
                new Compressed("PUT", "/fhir/Patient/" + PATIENT_ID, "application/fhir+json", bomb),
                new Compressed("POST", "/fhir", "application/fhir+json", bomb),
                new Compressed("GET", "/fhir/Patient/" + PATIENT_ID, "application/fhir+json", bomb));
        List<DynamicTest> tests = new ArrayList<>();
        for (Who who : Who.OUTSIDERS) {
            for (Compressed request : requests) {
                String name = who + " " + request.method() + " " + request.target() + " gzip " + request.body().length
                        + " bytes";
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Answer answer = send(who, request.method(), request.target(),
                            Map.of("Content-Type", request.contentType(), "Content-Encoding", "gzip"), request.body());
                    boolean aRead = request.method().equals("GET");
                    if (!aRead || who == Who.HOME_OFFICE) {
                        assertRefused(who, Req.of(request.method(), request.target()), answer);
                    } else {
                        assertClean(who, Req.get(request.target()), answer);
                    }
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("the guard still answers a plain read afterwards", () -> {
            Answer answer = send(Who.PRACTICE, Req.get("/fhir/Patient/" + PATIENT_ID));
            assertThat(answer.status()).as(answer.everything()).isEqualTo(200);
        }));
        return tests.stream();
    }

    /**
     * Request smuggling: an outsider's request with ambiguous framing (both Content-Length and Transfer-Encoding,
     * two different lengths, an obfuscated Transfer-Encoding) hides a second request without credentials behind its
     * body. On the guard's loopback port a request without credentials is the practice's own, so if the hidden
     * request were ever read as a request of its own, the outsider would get the canary patient in the practice's
     * answer. Exactly one answer, a refusal (Tomcat's 400 or 501 for the framing, or the guard's refusal of the
 * outsider's search), must come back, and no canary.
     */
    @TestFactory
    Stream<DynamicTest> ambiguousFraming_neverSmugglesASecondRequest() {
        String hidden = "GET /fhir/Patient/" + PATIENT_ID + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String chunkedEnd = "0\r\n\r\n";
        Map<String, String> framings = new LinkedHashMap<>();
        framings.put("Content-Length then chunked", "Content-Length: " + chunkedEnd.length()
                + "\r\nTransfer-Encoding: chunked\r\n");
        framings.put("chunked then a Content-Length covering the hidden request", "Transfer-Encoding: chunked\r\n"
                + "Content-Length: " + (chunkedEnd.length() + hidden.length()) + "\r\n");
        framings.put("two different Content-Lengths", "Content-Length: 0\r\nContent-Length: " + hidden.length()
                + "\r\n");
        framings.put("Transfer-Encoding with a space before the colon", "Content-Length: " + (chunkedEnd.length()
                + hidden.length()) + "\r\nTransfer-Encoding : chunked\r\n");
        framings.put("Transfer-Encoding xchunked", "Content-Length: " + (chunkedEnd.length() + hidden.length())
                + "\r\nTransfer-Encoding: xchunked\r\n");
        framings.put("Transfer-Encoding chunked, identity", "Content-Length: " + (chunkedEnd.length()
                + hidden.length()) + "\r\nTransfer-Encoding: chunked, identity\r\n");
        framings.put("a line folded into Transfer-Encoding", "Content-Length: " + (chunkedEnd.length()
                + hidden.length()) + "\r\nX-Fold: a\r\n Transfer-Encoding: chunked\r\n");
        List<DynamicTest> tests = new ArrayList<>();
        // The control: with unambiguous framing the second request is read as a request of its own (HTTP/1.1
        // pipelining), so counting answers does tell a smuggled request apart.
        tests.add(DynamicTest.dynamicTest("control: two plainly framed requests get two answers", () -> {
            String request = "GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + token(Who.HOME_OFFICE) + "\r\n\r\n" + hidden.replace("/fhir/Patient/" + PATIENT_ID,
                    "/fhir/metadata");
            Answer answer = rawExchange(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(answer.everything().split("HTTP/1\\.1 \\d{3} ", -1).length - 1).as(answer.everything())
                    .isEqualTo(2);
        }));
        for (Who who : Who.OUTSIDERS) {
            framings.forEach((name, framing) -> tests.add(DynamicTest.dynamicTest(who + " " + name, () -> {
                String request = "POST /fhir/Patient/_search HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + token(who) + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" + framing + "\r\n"
                        + chunkedEnd + hidden;
                Answer answer = rawExchange(request.getBytes(StandardCharsets.US_ASCII));
                print(who, "smuggling: " + name, answer);
                int answers = answer.everything().split("HTTP/1\\.1 \\d{3} ", -1).length - 1;
                assertThat(answers).as("%s %s: one answer only: %s", who, name, answer.everything()).isLessThanOrEqualTo(1);
                // Tomcat answers a transfer coding it does not know with 501 from its HTTP parser, and closes.
                assertThat(answer.status() == CLOSED || answer.status() >= 400 && answer.status() <= 499
                        || answer.status() == 501)
                        .as("%s %s: refused: %s", who, name, abbreviate(answer.everything(), 2000)).isTrue();
                assertNoInternals(answer, who + " " + name);
                assertNoCanary(answer, all(), who + " smuggling " + name);
            })));
        }
        return tests.stream();
    }

    /** Sends exactly these bytes, closes the sending side, and reads everything the guard answers until it closes. */
    private Answer rawExchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException closed) {
                // Tomcat may answer and close before reading everything; read what it sent.
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(received);
            } catch (IOException reset) {
                // Tomcat may reset the connection after answering.
            }
            String text = received.toString(StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                return new Answer(CLOSED, Map.of(), "", "connection closed without an answer");
            }
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12))
                    : -1;
            int split = text.indexOf("\r\n\r\n");
            return new Answer(status, Map.of(), split < 0 ? "" : text.substring(split + 4), text);
        }
    }

    /** A gzip stream that inflates to the given number of MiB of spaces: about 1,000 times smaller. */
    private static byte[] gzippedSpaces(int mebibytes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            gzip.write('{');
            for (int i = 0; i < mebibytes; i++) {
                gzip.write(spaces);
            }
            gzip.write('}');
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- oracles

    /** A refusal: 4xx, an OperationOutcome with a DG code, no canary at all, no internals. */
    private static void assertRefused(Who who, Req request, Answer answer) {
        String what = who + " " + request;
        assertThat(answer.status()).as("%s: refused with a 4xx, got %s", what, answer.everything())
                .isBetween(400, 499);
        assertThat(answer.body()).as("%s: an OperationOutcome", what).contains("OperationOutcome");
        assertThat(DG_CODE.matcher(answer.body()).find()).as("%s: a DG code in %s", what, answer.body()).isTrue();
        assertNoInternals(answer, what);
        assertNoCanary(answer, all(), what);
    }

    /** Never a 5xx, never internals; a refused requester never gets a canary; a released body what policy allows. */
    private static void assertClean(Who who, Req request, Answer answer) {
        String what = who + " " + request;
        assertThat(answer.status()).as("%s: no server error: %s", what, answer.everything()).isLessThan(500);
        assertNoInternals(answer, what);
        if (answer.status() == CLOSED) {
            return;
        }
        if (answer.status() >= 400) {
            boolean tomcat = answer.status() == 400 || answer.status() == 414 || answer.status() == 431;
            if (request.method().equals("HEAD")) {
                assertThat(answer.body()).as("%s: a HEAD answer has no body", what).isEmpty();
            } else if (!tomcat || DG_CODE.matcher(answer.body()).find() || answer.body().contains("OperationOutcome")) {
                assertThat(DG_CODE.matcher(answer.body()).find()).as("%s: a DG code in %s", what, answer.body())
                        .isTrue();
            }
            assertNoCanary(answer, all(), what);
            return;
        }
        assertReleasedAsPolicyAllows(who, request, answer);
    }

    private static void assertReleasedAsPolicyAllows(Who who, Req request, Answer answer) {
        String what = who + " " + request;
        switch (who) {
            case HOME_OFFICE -> {
                // Only what is not about any patient (a CapabilityStatement, an empty HEAD) may reach a refused
                // requester with a 2xx.
                assertNoCanary(answer, all(), what);
                assertThat(answer.body()).as("%s: a refused requester got %s", what, answer.everything())
                        .doesNotContain(PATIENT_ID).doesNotContain("\"searchset\"");
            }
            case PUBLIC_HEALTH -> assertNoCanary(answer, new ArrayList<>(LOCATION.values()), what);
            default -> { }
        }
        if (who != Who.PRACTICE && !request.method().equals("OPTIONS") && containsAnyCanary(answer)) {
            assertThat(answer.header("X-DG-Decision")).as("%s: data released without a decision", what).isNotNull();
            assertThat(answer.body()).as("%s: released without obligations", what)
                    .containsAnyOf("NORDSCLCD", "REDACTED");
        }
        if (who != Who.PRACTICE && answer.body().contains("\"searchset\"")) {
            assertThat(answer.body()).as("%s: no total for outsiders", what).doesNotContain("\"total\"");
        }
    }

    private static void assertNoInternals(Answer answer, String what) {
        Matcher matcher = INTERNALS.matcher(answer.everything());
        if (matcher.find()) {
            fail("%s: internals (%s) in the answer: %s", what, matcher.group(), abbreviate(answer.everything(), 2000));
        }
    }

    /** No canary in any byte of the answer, in any form {@link CanaryScan} knows (raw, URL, base64, XML, JSON). */
    private static void assertNoCanary(Answer answer, List<String> canaries, String what) {
        assertThat(CanaryScan.find(answer.everything(), canaries)).as("%s leaks a canary", what).isEmpty();
    }

    private static boolean containsAnyCanary(Answer answer) {
        return CanaryScan.find(answer.everything(), all()).isPresent();
    }

    // ---------------------------------------------------------------- requests

    /** One request: method, raw path and query (sent as is), headers, body. */
    record Req(String method, String target, Map<String, String> headers, String contentType, String body) {

        static Req get(String target) {
            return of("GET", target);
        }

        static Req of(String method, String target) {
            return new Req(method, target, Map.of(), null, null);
        }

        Req header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Req(method, target, more, contentType, body);
        }

        Req body(String type, String content) {
            return new Req(method, target, headers, type, content);
        }

        Req json(String content) {
            return body("application/fhir+json", content);
        }

        Req form(String content) {
            return body("application/x-www-form-urlencoded", content);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(method).append(' ').append(abbreviate(target, 160));
            headers.forEach((name, value) -> text.append(" [").append(name).append(": ")
                    .append(abbreviate(value, 40)).append(']'));
            if (body != null) {
                text.append(" {").append(contentType).append(": ").append(abbreviate(body, 80)).append('}');
            }
            return text.toString();
        }
    }

    /** An answer: status, every header and the body as one text, and the body. */
    record Answer(int status, Map<String, List<String>> headers, String body, String everything) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(", ", e.getValue())).findFirst().orElse(null);
        }

        /** Status, headers other than the request id and the date, and the body with the request id blanked. */
        String withoutRequestId() {
            String id = header("X-DG-Request-Id");
            StringBuilder text = new StringBuilder().append(status).append('\n');
            new java.util.TreeMap<>(headers).forEach((name, values) -> {
                if (!name.equalsIgnoreCase("X-DG-Request-Id") && !name.equalsIgnoreCase("Date")) {
                    text.append(name.toLowerCase(Locale.ROOT)).append(": ").append(values).append('\n');
                }
            });
            text.append(id == null || id.isEmpty() ? body : body.replace(id, "<request-id>"));
            return text.toString();
        }
    }

    private Answer send(Who who, Req request) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + request.target())).timeout(Duration.ofSeconds(30));
        String token = token(who);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        request.headers().forEach(builder::header);
        if (request.body() != null) {
            builder.header("Content-Type", request.contentType());
            builder.method(request.method(), HttpRequest.BodyPublishers.ofString(request.body()));
        } else {
            builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
        }
        return exchange(who, request.toString(), builder);
    }

    /** Sends a request with a body of raw bytes (a compressed body, say) and the requester's token. */
    private Answer send(Who who, String method, String target, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        String token = token(who);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        return exchange(who, method + " " + target + " " + headers + " (" + body.length + " bytes)", builder);
    }

    private Answer exchange(Who who, String name, HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpResponse<byte[]> response;
        try {
            response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException closed) {
            Answer answer = new Answer(CLOSED, Map.of(), "", "connection closed: " + closed);
            print(who, name, answer);
            return answer;
        }
        String body = new String(response.body(), StandardCharsets.UTF_8);
        StringBuilder everything = new StringBuilder().append(response.statusCode()).append('\n');
        response.headers().map().forEach((header, values) ->
                everything.append(header).append(": ").append(String.join(", ", values)).append('\n'));
        everything.append('\n').append(body);
        Answer answer = new Answer(response.statusCode(), response.headers().map(), body, everything.toString());
        print(who, name, answer);
        return answer;
    }

    /** Sends a request line of raw bytes over a socket, with the requester's token, and reads to the end. */
    private Answer raw(Who who, byte[] requestLinePrefix) throws IOException {
        StringBuilder rest = new StringBuilder(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        String token = token(who);
        if (token != null) {
            rest.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        rest.append("\r\n");
        byte[] tail = rest.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = java.util.Arrays.copyOf(requestLinePrefix, requestLinePrefix.length + tail.length);
        System.arraycopy(tail, 0, request, requestLinePrefix.length, tail.length);
        return rawExchange(request);
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.US_ASCII);
        byte[] c = after.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }

    private static void print(Who who, String request, Answer answer) {
        System.out.println("BYPASS " + who + " | " + request + " | " + answer.status() + " | "
                + answer.header("X-DG-Decision") + " | "
                + abbreviate(answer.body().replace('\n', ' '), 300));
    }

    private String heldCaseOfTheHomeOffice() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Patient/"
                + PATIENT_ID)).header("Authorization", "Bearer " + SignedTokens.es256(HOME_OFFICE_KEY,
                claims("home-office", "IMMIGENF", "DEPORT-SERIOUS-CRIME"))).build();
        HttpResponse<String> held = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(held.statusCode()).as(held.body()).isEqualTo(403);
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        return poll.substring(poll.indexOf("case=") + 5);
    }

    private static String token(Who who) {
        return switch (who) {
            case HOME_OFFICE -> SignedTokens.es256(HOME_OFFICE_KEY,
                    claims("home-office", "IMMIGENF", "IMMIGRATION-ADMIN"));
            case PUBLIC_HEALTH -> SignedTokens.es256(AGENCY_KEY,
                    claims("agency", "PUBHLTH", "PUBLIC-HEALTH-STATUTORY"));
            case NHS_PROVIDER -> SignedTokens.es256(TRUST_KEY,
                    SignedTokens.claims("trust", AUDIENCE, Instant.now()).claim("purpose_of_use", "TREAT"));
            case PRACTICE -> null;
        };
    }

    private static JWTClaimsSet.Builder claims(String clientId, String purpose, String legalBasis) {
        return SignedTokens.claims(clientId, AUDIENCE, Instant.now()).claim("purpose_of_use", purpose)
                .claim("legal_basis", legalBasis).claim("case_reference", "CASE-" + RUN)
                .claim("requesting_officer", "Officer " + RUN);
    }

    // ---------------------------------------------------------------- fixtures

    private static String patient(String id, String nhsNumber) {
        String narrative = "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">" + OTHER.get("family") + " lives at "
                + LOCATION.get("narrative") + "</div>";
        return """
                {"resourceType":"Patient","id":"%s",
                 "text":{"status":"generated","div":"%s"},
                 "extension":[
                   {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                    "valueAddress":{"city":"%s"}},
                   {"url":"http://hl7.org/fhir/StructureDefinition/patient-nationality",
                    "extension":[{"url":"code","valueCodeableConcept":{"text":"%s"}}]}],
                 "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%s"}],
                 "name":[{"family":"%s","given":["%s"]}],
                 "telecom":[{"system":"phone","value":"%s"}],
                 "gender":"female","birthDate":"%s",
                 "address":[{"line":["%s"],"postalCode":"%s"}],
                 "contact":[{"name":{"family":"%s"}}],
                 "generalPractitioner":[{"display":"%s"}]}
                """.formatted(id, narrative, LOCATION.get("birthplace"), OTHER.get("nationality"), nhsNumber,
                OTHER.get("family"), OTHER.get("given"), LOCATION.get("phone"), BIRTH_DATE,
                LOCATION.get("address-line"), LOCATION.get("postcode"), LOCATION.get("contact-name"),
                LOCATION.get("gp-display"));
    }

    private static List<String> all() {
        List<String> all = new ArrayList<>(LOCATION.values());
        all.addAll(OTHER.values());
        all.add(NHS_NUMBER);
        return all;
    }

    private static String canary(String element) {
        return "Cnry" + element.replace("-", "") + RUN;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...(" + text.length() + " chars)";
    }

    private static HttpResponse<String> upstream(String method, String url, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json");
        if (json != null) {
            builder.header("Content-Type", "application/fhir+json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        if (json != null && response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response;
    }

    private static Path writeRegistry() {
        return TestRequesters.registry("bypass-it", List.of(
                new TestRequesters.Requester("home-office", "immigration-enforcement", HOME_OFFICE_KEY),
                new TestRequesters.Requester("agency", "public-health", AGENCY_KEY),
                new TestRequesters.Requester("trust", "nhs-provider", TRUST_KEY)));
    }
}

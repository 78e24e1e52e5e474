package org.disclosureguard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.labels.Vocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole guard (Spring Boot, HAPI plain server, response path, upstream client) in front of a WireMock
 * practice server. Every upstream fault must end in the guard's own OperationOutcome with the right DG code and
 * status, and release nothing that the practice server sent: each faulty upstream answer carries a unique canary
 * that must not appear anywhere in the guard's answer. All gateway-level cases live in this one class so that the
 * Spring context starts once.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "guard.upstream.timeout=3s",
            "guard.upstream.connect-timeout=500ms",
            "guard.upstream.max-response-bytes=65536",
        })
class GatewayFaultTest {

    private static final String FHIR_JSON = "application/fhir+json;charset=UTF-8";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A fixed port, so that the server can be stopped and started again at the address the guard knows. */
    private static final int UPSTREAM_PORT = freePort();
    private static final WireMockServer UPSTREAM =
            new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(UPSTREAM_PORT));

    static {
        UPSTREAM.start();
    }

    @DynamicPropertySource
    static void upstreamBase(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> upstreamBase());
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.stop();
    }

    @LocalServerPort
    private int port;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private String canary;

    @BeforeEach
    void reset() {
        if (!UPSTREAM.isRunning()) {
            UPSTREAM.start();
        }
        UPSTREAM.resetAll();
        canary = "CANARY-" + UUID.randomUUID();
    }

    // ---- upstream faults: the right error, and nothing released ----

    @Test
    void read_whenUpstreamRefusesConnections_is503AndReleasesNothing() throws Exception {
        UPSTREAM.stop();
        HttpResponse<String> answer;
        try {
            answer = guardGet("/Patient/p1");
        } finally {
            UPSTREAM.start();
        }

        assertReleasedNothing(answer, 503, "DG-1001");
    }

    @Test
    void read_whenUpstreamIsSlowerThanTheTimeout_is504AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, patient("p1")).withFixedDelay(8_000));

        assertReleasedNothing(guardGet("/Patient/p1"), 504, "DG-1002");
    }

    @Test
    void read_whenUpstreamTricklesTheBodyLongerThanTheTimeout_is504AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, patient("p1")).withChunkedDribbleDelay(40, 8_000));

        assertReleasedNothing(guardGet("/Patient/p1"), 504, "DG-1002");
    }

    @Test
    void read_whenUpstreamAnswers500_is502AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(500, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"fatal\","
                + "\"code\":\"exception\",\"diagnostics\":\"java.sql.SQLException at db.practice.local " + canary
                + "\"}]}").withHeader("X-Debug", canary));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1003");
    }

    @Test
    void read_whenUpstreamAnswers503_is502AndReleasesNothing() throws Exception {
        stubPatientRead(aResponse().withStatus(503).withHeader("Retry-After", "120")
                .withHeader("Content-Type", "text/plain").withBody("maintenance " + canary));

        HttpResponse<String> answer = guardGet("/Patient/p1");

        assertReleasedNothing(answer, 502, "DG-1003");
        assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void read_whenUpstreamAnswersHtml_is502AndReleasesNothing() throws Exception {
        stubPatientRead(aResponse().withStatus(200).withHeader("Content-Type", "text/html;charset=UTF-8")
                .withBody("<html><body><h1>Patient " + canary + "</h1></body></html>"));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamRedirects_is502ReleasesNothingAndDoesNotFollow() throws Exception {
        stubPatientRead(aResponse().withStatus(302)
                .withHeader("Location", upstreamBase() + "/moved/" + canary)
                .withHeader("Content-Type", FHIR_JSON).withBody(patient("p1")));
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/moved/" + canary)).willReturn(fhirJson(200, patient("p1"))));

        HttpResponse<String> answer = guardGet("/Patient/p1");

        assertReleasedNothing(answer, 502, "DG-1005");
        assertThat(answer.headers().firstValue("Location")).isEmpty();
        UPSTREAM.verify(0, getRequestedFor(urlPathEqualTo("/fhir/moved/" + canary)));
        UPSTREAM.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void read_whenUpstreamAnswersGarbage_is502AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\""
                + canary + "\"}]} trailing {garbage"));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamAnswersJsonThatIsNotAResource_is502AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, "[{\"family\":\"" + canary + "\"}]"));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamJsonIsCutShort_is502AndReleasesNothing() throws Exception {
        String whole = patient("p1");
        stubPatientRead(fhirJson(200, whole.substring(0, whole.indexOf(canary) + canary.length())));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamBodyIsShorterThanItsContentLength_is502AndReleasesNothing() throws Exception {
        byte[] body = patient("p1").getBytes(StandardCharsets.UTF_8);
        stubPatientRead(aResponse().withStatus(200).withHeader("Content-Type", FHIR_JSON)
                .withHeader("Content-Length", String.valueOf(body.length + 500)).withBody(body));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamSendsGarbageAndCloses_is502AndReleasesNothing() throws Exception {
        stubPatientRead(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamResetsTheConnection_failsWithAnUpstreamErrorAndReleasesNothing() throws Exception {
        stubPatientRead(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        HttpResponse<String> answer = guardGet("/Patient/p1");

        assertThat(answer.statusCode()).isIn(502, 503, 504);
        assertThat(errorCode(answer)).isIn("DG-1001", "DG-1002", "DG-1004");
        assertNoCanary(answer);
    }

    @Test
    void read_whenUpstreamAnswersJsonWithDuplicateKeys_is502AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"Smith\"}],"
                + "\"name\":[{\"family\":\"" + canary + "\"}]}"));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamJsonIsNestedTooDeeply_is502AndReleasesNothing() throws Exception {
        String deep = "{\"a\":".repeat(300) + "\"" + canary + "\"" + "}".repeat(300);
        stubPatientRead(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"extension\":[" + deep + "]}"));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1004");
    }

    @Test
    void search_whenUpstreamNestsBundlesTooDeeplyToLabel_is502AndReleasesNothing() throws Exception {
        String nested = patient("p1");
        for (int i = 0; i < 20; i++) {
            nested = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" + nested + "}]}";
        }
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200,
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":" + nested + "}]}")));

        assertReleasedNothing(guardGet("/Patient?family=Smith"), 502, "DG-1004");
    }

    @Test
    void read_whenUpstreamAnswersAnotherResourceType_is502AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, "{\"resourceType\":\"Practitioner\",\"id\":\"p1\",\"name\":[{\"family\":\""
                + canary + "\"}]}"));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1007");
    }

    @Test
    void read_whenUpstreamAnswersAPatientWithAnotherId_is502AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, patient("p2")));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1007");
    }

    @Test
    void read_whenUpstreamAnswersAPatientWithoutId_is502AndReleasesNothing() throws Exception {
        stubPatientRead(fhirJson(200, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + canary + "\"}]}"));

        assertReleasedNothing(guardGet("/Patient/p1"), 502, "DG-1007");
    }

    @Test
    void search_whenUpstreamAnswersABundleThatIsNotASearchset_is502AndReleasesNothing() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200,
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"" + upstreamBase()
                        + "/Patient/p1\",\"resource\":" + patient("p1") + "}]}")));

        assertReleasedNothing(guardGet("/Patient?family=Smith"), 502, "DG-1007");
    }

    @Test
    void search_whenUpstreamAnswersAPatientInsteadOfABundle_is502AndReleasesNothing() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200, patient("p1"))));

        assertReleasedNothing(guardGet("/Patient?family=Smith"), 502, "DG-1007");
    }

    @Test
    void search_whenUpstreamBodyIsOverTheConfiguredLimit_is502AndReleasesNothing() throws Exception {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; entries.length() < 200_000; i++) {
            entries.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"").append(upstreamBase()).append("/Patient/p")
                    .append(i).append("\",\"resource\":").append(patient("p" + i)).append('}');
        }
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200,
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[" + entries + "]}")));

        assertReleasedNothing(guardGet("/Patient?family=Smith"), 502, "DG-1006");
    }

    @Test
    void read_whenUpstreamAnswers404_is404WithoutTheUpstreamDiagnostics() throws Exception {
        stubPatientRead(fhirJson(404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"processing\",\"diagnostics\":\"HAPI-2001: Resource Patient/p1 is not known " + canary
                + "\"}]}").withHeader("X-Debug", canary));

        HttpResponse<String> answer = guardGet("/Patient/p1");

        assertReleasedNothing(answer, 404, "DG-1101");
        assertThat(answer.body()).doesNotContain("HAPI-2001");
    }

    @Test
    void read_whenUpstreamAnswers410_is410Gone() throws Exception {
        stubPatientRead(fhirJson(410, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"deleted\",\"diagnostics\":\"deleted " + canary + "\"}]}"));

        assertReleasedNothing(guardGet("/Patient/p1"), 410, "DG-1102");
    }

    @Test
    void search_whenUpstreamRefusesTheSearchWith400_is400WithoutTheUpstreamDiagnostics() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(400,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
                        + "\"diagnostics\":\"Unknown search parameter " + canary + "\"}]}")));

        assertReleasedNothing(guardGet("/Patient?unknown=x"), 400, "DG-1103");
    }

    // ---- a successful read ----

    @Test
    void read_whenUpstreamAnswersAPatient_isLabelledAndNotCacheable() throws Exception {
        stubPatientRead(fhirJson(200, patient("p1"))
                .withHeader("ETag", "W/\"4\"")
                .withHeader("Set-Cookie", "JSESSIONID=" + canary)
                .withHeader("Server", "Practice " + canary)
                .withHeader("X-Powered-By", "HAPI FHIR " + canary));

        HttpResponse<String> answer = guardGet("/Patient/p1");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/fhir+json"));
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(answer.headers().firstValue("X-Powered-By")).isEmpty();
        assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(answer.headers().firstValue("ETag")).hasValue("W/\"4\"");
        assertThat(headerText(answer)).doesNotContain(canary);
        assertThat(answer.body()).as("a released patient carries the canary, so its absence elsewhere means something")
                .contains(canary);
        JsonNode patient = MAPPER.readTree(answer.body());
        assertThat(patient.path("resourceType").asText()).isEqualTo("Patient");
        assertThat(patient.path("id").asText()).isEqualTo("p1");
        assertThat(codings(patient.at("/meta/security"))).contains(
                Vocabulary.ACT_CODE + "|" + Vocabulary.PROCESS_INLINE_LABEL,
                Vocabulary.CONFIDENTIALITY + "|N");
        assertThat(codings(patient.at("/name/0/extension").findValues("valueCoding")))
                .contains(Vocabulary.ACT_CODE + "|DEMO");
        assertThat(patient.at("/name/0/extension/0/url").asText()).isEqualTo(Vocabulary.INLINE_LABEL_EXTENSION);
    }

    @Test
    void read_ofARestrictedPatient_keepsItsRestrictedConfidentiality() throws Exception {
        stubPatientRead(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"security\":[{\"system\":\""
                + Vocabulary.CONFIDENTIALITY + "\",\"code\":\"R\"}]},\"name\":[{\"family\":\"Smith\"}]}"));

        JsonNode patient = MAPPER.readTree(guardGet("/Patient/p1").body());

        assertThat(codings(patient.at("/meta/security")))
                .contains(Vocabulary.CONFIDENTIALITY + "|R")
                .doesNotContain(Vocabulary.CONFIDENTIALITY + "|N");
    }

    // ---- requests the guard refuses before the upstream ----

    @ParameterizedTest
    @ValueSource(strings = {"/Patient/p1?_format=xml", "/Patient/p1?_format=application/fhir%2Bxml",
        "/Patient?family=Smith&_format=xml", "/Patient?family=Smith&_format=json&_format=xml"})
    void request_forXml_is406AndNeverReachesUpstream(String pathAndQuery) throws Exception {
        UPSTREAM.stubFor(any(anyUrl()).willReturn(fhirJson(200, patient("p1"))));

        assertReleasedNothing(guardGet(pathAndQuery), 406, "DG-1201");
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void request_acceptingOnlyXml_is406AndNeverReachesUpstream() throws Exception {
        UPSTREAM.stubFor(any(anyUrl()).willReturn(fhirJson(200, patient("p1"))));

        HttpResponse<String> answer = send(request("/Patient/p1").header("Accept", "application/fhir+xml").GET());

        assertReleasedNothing(answer, 406, "DG-1201");
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void read_ofAnIdThatIsNotAFhirId_is404AndNeverReachesUpstream() throws Exception {
        UPSTREAM.stubFor(any(anyUrl()).willReturn(fhirJson(200, patient("p1"))));

        assertReleasedNothing(guardGet("/Patient/" + "a".repeat(65)), 404, "DG-1101");
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DELETE /Patient/p1", "GET /Patient/p1/_history", "GET /Patient/p1/_history/2",
        "GET /Patient/_history", "GET /_history", "GET /Patient/p1/$everything", "GET /Patient/$everything",
        "POST /Patient", "PUT /Patient/p1", "PATCH /Patient/p1", "POST /", "GET /Basic/b1", "GET /Basic?code=x"})
    void unsupportedInteraction_isRefusedWith4xxAndNeverReachesUpstream(String methodAndPath) throws Exception {
        UPSTREAM.stubFor(any(anyUrl()).willReturn(fhirJson(200, patient("p1"))));
        String method = methodAndPath.substring(0, methodAndPath.indexOf(' '));
        String path = methodAndPath.substring(method.length() + 1);
        HttpRequest.BodyPublisher body = method.equals("GET") || method.equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(method.equals("POST") && path.equals("/")
                        ? "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]}"
                        : patient("p1"));

        HttpResponse<String> answer = send(request(path)
                .header("Content-Type", "application/fhir+json")
                .method(method, body));

        assertThat(answer.statusCode()).as(methodAndPath).isBetween(400, 499);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/fhir+json"));
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(answer.headers().firstValue("X-Powered-By")).isEmpty();
        assertThat(MAPPER.readTree(answer.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(answer.body()).doesNotContain(canary);
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void metadata_isTheGuardsOwnJsonOnlyCapabilityStatementAndNeverReachesUpstream() throws Exception {
        UPSTREAM.stubFor(any(anyUrl()).willReturn(fhirJson(200, "{\"resourceType\":\"CapabilityStatement\","
                + "\"software\":{\"name\":\"" + canary + "\"}}")));

        HttpResponse<String> answer = guardGet("/metadata");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Powered-By")).isEmpty();
        JsonNode statement = MAPPER.readTree(answer.body());
        assertThat(statement.path("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(statement.at("/software/name").asText()).isEqualTo("Disclosure Guard");
        assertThat(statement.path("format").toString()).doesNotContain("xml");
        assertThat(answer.body()).doesNotContain(canary);
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    // ---- what reaches the upstream, and what comes back ----

    @Test
    void search_linksAndFullUrls_areRebasedToTheGuardAndForeignLinksDropped() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200, """
                {"resourceType":"Bundle","type":"searchset","total":2,"link":[
                  {"relation":"self","url":"%1$s/Patient?family=Smith"},
                  {"relation":"next","url":"%1$s?_getpages=abc123&_getpagesoffset=20&_count=20&_bundletype=searchset"},
                  {"relation":"alternate","url":"http://other.example/%2$s"},
                  {"relation":"previous","url":"%1$sX/%2$s"}],
                 "entry":[
                  {"fullUrl":"%1$s/Patient/p1","resource":%3$s,"search":{"mode":"match"}},
                  {"fullUrl":"http://other.example/%2$s/Patient/p2","resource":%4$s,"search":{"mode":"match"}}]}
                """.formatted(upstreamBase(), canary, patient("p1"), patient("p2")))));

        HttpResponse<String> answer = guardGet("/Patient?family=Smith");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode bundle = MAPPER.readTree(answer.body());
        List<String> links = new ArrayList<>();
        bundle.path("link").forEach(link -> links.add(link.path("relation").asText() + " " + link.path("url").asText()));
        assertThat(links).hasSize(2);
        assertThat(links.get(0)).isEqualTo("self " + guardBase() + "/Patient?family=Smith");
        assertThat(links.get(1)).as("a page token of the guard's, not the practice server's page id")
                .matches("next " + java.util.regex.Pattern.quote(guardBase()) + "\\?_getpages=[A-Za-z0-9_-]{24}");
        assertThat(bundle.at("/entry/0/fullUrl").asText()).isEqualTo(guardBase() + "/Patient/p1");
        assertThat(bundle.at("/entry/1/fullUrl").asText()).isEqualTo(guardBase() + "/Patient/p2");
        assertThat(answer.body()).doesNotContain(":" + UPSTREAM_PORT).doesNotContain("other.example");
        assertThat(bundle.at("/entry/0/resource/meta/security").toString()).contains(Vocabulary.PROCESS_INLINE_LABEL);
    }

    @Test
    void page_aGuardToken_isForwardedAsThePracticeServersOwnPageQuery() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200, """
                {"resourceType":"Bundle","type":"searchset","link":[
                  {"relation":"next","url":"%1$s?_getpages=abc123&_getpagesoffset=20&_count=20&_bundletype=searchset"}],
                 "entry":[{"fullUrl":"%1$s/Patient/p1","resource":%2$s}]}
                """.formatted(upstreamBase(), patient("p1")))));
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir")).willReturn(fhirJson(200, """
                {"resourceType":"Bundle","type":"searchset","link":[
                  {"relation":"self","url":"%1$s?_getpages=abc123&_getpagesoffset=20&_count=20&_bundletype=searchset"},
                  {"relation":"next","url":"%1$s?_getpages=abc123&_getpagesoffset=40&_count=20&_bundletype=searchset"}],
                 "entry":[{"fullUrl":"%1$s/Patient/p21","resource":%2$s}]}
                """.formatted(upstreamBase(), patient("p21")))));
        String next = MAPPER.readTree(guardGet("/Patient?family=Smith").body()).at("/link/0/url").asText();

        HttpResponse<String> answer = guardGet(next.substring(guardBase().length()));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        UPSTREAM.verify(1, getRequestedFor(
                urlEqualTo("/fhir?_getpages=abc123&_getpagesoffset=20&_count=20&_bundletype=searchset")));
        JsonNode bundle = MAPPER.readTree(answer.body());
        assertThat(bundle.at("/link/1/url").asText()).startsWith(guardBase() + "?_getpages=").isNotEqualTo(next);
        assertThat(answer.body()).doesNotContain("abc123").doesNotContain("_getpagesoffset");
        assertThat(bundle.at("/entry/0/fullUrl").asText()).isEqualTo(guardBase() + "/Patient/p21");
    }

    @Test
    void page_whenUpstreamSaysThePageHasExpired_is410PageExpired() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200, """
                {"resourceType":"Bundle","type":"searchset","link":[
                  {"relation":"next","url":"%1$s?_getpages=abc123&_getpagesoffset=20&_count=20&_bundletype=searchset"}],
                 "entry":[]}
                """.formatted(upstreamBase()))));
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir")).willReturn(fhirJson(410,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\","
                        + "\"diagnostics\":\"Search " + canary + " expired\"}]}")));
        String next = MAPPER.readTree(guardGet("/Patient?family=Smith").body()).at("/link/0/url").asText();

        assertReleasedNothing(guardGet(next.substring(guardBase().length())), 410, "DG-1104");
    }

    @Test
    void page_anUpstreamPageIdNotIssuedAsAToken_isNeverForwarded() throws Exception {
        assertReleasedNothing(guardGet("?_getpages=abc123&_getpagesoffset=20"), 403, "DG-1204");
        assertReleasedNothing(guardGet("?_getpages=abc123"), 410, "DG-1104");
        UPSTREAM.verify(0, getRequestedFor(urlPathEqualTo("/fhir")));
    }

    @Test
    void search_neverForwardsFormatPrettyOrTheRequestersCookies() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200,
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}")));

        HttpResponse<String> answer = send(request("/Patient?family=Smith&_format=json&_pretty=true&given=Jo&given=Ann")
                .header("Cookie", "session=requester-session")
                .header("X-Request-Id", "req-77")
                .GET());

        assertThat(answer.statusCode()).isEqualTo(200);
        UPSTREAM.verify(1, getRequestedFor(urlEqualTo("/fhir/Patient?family=Smith&given=Jo&given=Ann"))
                .withHeader("Authorization", absent())
                .withHeader("Cookie", absent()));
        LoggedRequest seen = UPSTREAM.findAll(anyRequestedFor(anyUrl())).get(0);
        assertThat(seen.getUrl()).doesNotContain("_format").doesNotContain("_pretty");
        assertThat(seen.getHeader("Accept")).isEqualTo("application/fhir+json");
        assertThat(seen.getHeader("X-Request-Id")).isEqualTo("req-77");
    }

    @Test
    void searchByPost_isForwardedAsAGetWithTheFormParameters() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200,
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}")));

        HttpResponse<String> answer = send(request("/Patient/_search")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("family=Smith&_format=json&birthdate=ge1970-01-01")));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        UPSTREAM.verify(1, getRequestedFor(urlEqualTo("/fhir/Patient?birthdate=ge1970-01-01&family=Smith"))
                .withHeader("Authorization", absent()));
    }

    @Test
    void read_neverForwardsFormatOrTheRequestersCookies() throws Exception {
        stubPatientRead(fhirJson(200, patient("p1")));

        HttpResponse<String> answer = send(request("/Patient/p1?_format=application/fhir%2Bjson&_pretty=true")
                .header("Cookie", "JSESSIONID=requester")
                .GET());

        assertThat(answer.statusCode()).isEqualTo(200);
        UPSTREAM.verify(1, getRequestedFor(urlEqualTo("/fhir/Patient/p1"))
                .withHeader("Authorization", absent())
                .withHeader("Cookie", absent()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Authorization: Bearer requester-token", "Authorization: Basic cmVxdWVzdGVyOnNlY3JldA==",
        "X-Forwarded-For: 203.0.113.9", "X-DG-Purpose-Of-Use: TREAT", "X-Forwarded-Host: guard.example.org"})
    void requestWithCredentialsTheGuardCannotVerify_isRefused_andNeverReachesUpstream(String header) throws Exception {
        stubPatientRead(fhirJson(200, patient("p1")));
        String[] nameAndValue = header.split(": ", 2);

        HttpResponse<String> answer = send(request("/Patient/p1").header(nameAndValue[0], nameAndValue[1]).GET());

        assertThat(answer.statusCode()).isIn(401, 403);
        assertThat(MAPPER.readTree(answer.body()).at("/issue/0/details/coding/0/code").asText()).matches("DG-(3|13)\\d+");
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void search_withTokenAndSpecialCharacters_reachesUpstreamWithTheSameValues() throws Exception {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(fhirJson(200,
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}")));

        HttpResponse<String> answer = guardGet("/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9000000009"
                + "&name:exact=van%20der%20Berg&family=Smith,Jones");

        assertThat(answer.statusCode()).isEqualTo(200);
        LoggedRequest seen = UPSTREAM.findAll(anyRequestedFor(anyUrl())).get(0);
        assertThat(seen.queryParameter("identifier").firstValue())
                .isEqualTo("https://fhir.nhs.uk/Id/nhs-number|9000000009");
        assertThat(seen.queryParameter("name:exact").firstValue()).isEqualTo("van der Berg");
        assertThat(seen.queryParameter("family").firstValue()).isEqualTo("Smith,Jones");
    }

    // ---- helpers ----

    private void assertReleasedNothing(HttpResponse<String> answer, int status, String code) throws IOException {
        assertThat(answer.statusCode()).as("status of %s", answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/fhir+json"));
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode outcome = MAPPER.readTree(answer.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.at("/issue/0/details/coding/0/system").asText()).isEqualTo(OperationOutcomes.ERROR_SYSTEM);
        assertThat(outcome.at("/issue/0/details/coding/0/code").asText()).isEqualTo(code);
        assertThat(outcome.at("/issue/0/diagnostics").asText()).startsWith(code + ": ");
        assertNoCanary(answer);
        assertThat(answer.body()).doesNotContain(":" + UPSTREAM_PORT).doesNotContain("Smith");
    }

    private void assertNoCanary(HttpResponse<String> answer) {
        assertThat(String.valueOf(answer.statusCode())).doesNotContain(canary);
        assertThat(headerText(answer)).doesNotContain(canary);
        assertThat(answer.body()).doesNotContain(canary);
    }

    private static String errorCode(HttpResponse<String> answer) throws IOException {
        return MAPPER.readTree(answer.body()).at("/issue/0/details/coding/0/code").asText();
    }

    private static String headerText(HttpResponse<?> answer) {
        StringBuilder text = new StringBuilder();
        answer.headers().map().forEach((name, values) -> text.append(name).append(": ").append(values).append('\n'));
        return text.toString();
    }

    private static List<String> codings(Iterable<JsonNode> array) {
        List<String> codings = new ArrayList<>();
        for (JsonNode coding : array) {
            codings.add(coding.path("system").asText() + "|" + coding.path("code").asText());
        }
        return codings;
    }

    /** A Patient with the canary in its name and address. */
    private String patient(String id) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\","
                + "\"identifier\":[{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9000000009\"}],"
                + "\"name\":[{\"family\":\"Smith\",\"given\":[\"" + canary + "\"]}],"
                + "\"gender\":\"female\",\"birthDate\":\"1970-01-01\","
                + "\"address\":[{\"line\":[\"1 " + canary + " Street\"],\"postalCode\":\"LS1 4AP\"}]}";
    }

    private static ResponseDefinitionBuilder fhirJson(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", FHIR_JSON).withBody(body);
    }

    private static void stubPatientRead(ResponseDefinitionBuilder response) {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient/p1")).willReturn(response));
    }

    private HttpResponse<String> guardGet(String pathAndQuery) throws IOException, InterruptedException {
        return send(request(pathAndQuery).GET());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(guardBase() + pathAndQuery)).timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String guardBase() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    private static String upstreamBase() {
        return "http://127.0.0.1:" + UPSTREAM_PORT + "/fhir";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void metadata_askedForInXml_is406InJson() throws Exception {
        HttpResponse<String> answer = guardGet("/metadata?_format=xml");

        assertThat(answer.statusCode()).isEqualTo(406);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/fhir+json"));
        assertThat(answer.body()).contains("DG-1201");
    }

    @Test
    void unsupportedInteraction_askedForInXml_isStillTheGuardsJsonRefusalWithItsCode() throws Exception {
        HttpResponse<String> answer = send(request("/Patient/p1?_format=xml")
                .method("DELETE", HttpRequest.BodyPublishers.noBody()));

        assertThat(answer.statusCode()).isBetween(400, 499);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/fhir+json"));
        assertThat(answer.body()).contains("DG-1202").doesNotContain("HAPI-");
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void refusedRequests_areAnsweredWithoutErrorsOrStackTracesInTheLog() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        root.addAppender(events);
        List<HttpResponse<String>> answers = new ArrayList<>();
        try {
            answers.add(send(request("/Patient/p1").method("DELETE", HttpRequest.BodyPublishers.noBody())));
            answers.add(send(request("/Patient").POST(HttpRequest.BodyPublishers.ofString("{}"))));
            answers.add(guardGet("/NoSuchType/p1"));
            answers.add(guardGet("/Patient/p1/_history/2"));
            answers.add(guardGet("/Patient/$everything"));
        } finally {
            root.detachAppender(events);
        }

        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).isBetween(400, 499);
            assertThat(answer.body()).contains("DG-1202").doesNotContain("HAPI-");
        }
        assertThat(events.list)
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)
                        || event.getThrowableProxy() != null)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .isEmpty();
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }
}

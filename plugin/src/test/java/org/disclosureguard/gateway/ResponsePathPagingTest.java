package org.disclosureguard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.redaction.TreeRedactor;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.upstream.UpstreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paging through the guard: search-result links carry page tokens the guard issued, never the practice server's page
 * id, offset or page size; a token is served only to the requester it was issued to, only under the policy version
 * that decided the search, and only as issued (no added or changed paging parameters). The upstream is a fake HTTP
 * peer here because what matters is exactly which page query reaches it.
 */
class ResponsePathPagingTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "https://guard.example.org/fhir";
    private static final KeyPair AGENCY = SignedTokens.ec();
    private static final Pattern TOKEN = Pattern.compile(Pattern.quote(BASE) + "\\?_getpages=([A-Za-z0-9_-]{24})");
    private static final WireMockServer UPSTREAM = new WireMockServer(wireMockConfig().dynamicPort()
            .bindAddress("127.0.0.1"));

    @TempDir
    Path dir;

    private Path policyFile;
    private PolicyStore policies;
    private ResponsePath path;

    @BeforeAll
    static void start() {
        UPSTREAM.start();
    }

    @AfterAll
    static void stop() {
        UPSTREAM.stop();
    }

    @BeforeEach
    void setUp() throws Exception {
        UPSTREAM.resetAll();
        String upstream = UPSTREAM.baseUrl() + "/fhir";
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient")).willReturn(bundle("""
                {"resourceType":"Bundle","type":"searchset","link":[
                  {"relation":"self","url":"%1$s/Patient?family=Okafor&_count=1"},
                  {"relation":"next","url":"%1$s?_getpages=upstream-search-7&_getpagesoffset=1&_count=1&_bundletype=searchset"}],
                 "entry":[{"fullUrl":"%1$s/Patient/p1","resource":{"resourceType":"Patient","id":"p1"}}]}
                """.formatted(upstream))));
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir")).willReturn(bundle("""
                {"resourceType":"Bundle","type":"searchset","link":[
                  {"relation":"self","url":"%1$s?_getpages=upstream-search-7&_getpagesoffset=1&_count=1&_bundletype=searchset"},
                  {"relation":"previous","url":"%1$s?_getpages=upstream-search-7&_getpagesoffset=0&_count=1&_bundletype=searchset"}],
                 "entry":[{"fullUrl":"%1$s/Patient/p2","resource":{"resourceType":"Patient","id":"p2"}}]}
                """.formatted(upstream))));
        policyFile = dir.resolve("policy.yaml");
        Files.write(policyFile, PolicyEngine.defaultPolicyBytes());
        policies = PolicyStore.open(policyFile, Clock.systemUTC());
        RequesterAuthenticator authenticator = RequesterAuthenticator.builder(RequesterRegistry.parse("requesters.yaml",
                """
                version: 1
                requesters:
                  - id: agency
                    organisation: Test Health Agency
                    class: public-health
                    token:
                      clientId: agency
                      keys:
                        - jwk: '%s'
                """.formatted(SignedTokens.publicJwk(AGENCY)), Path.of(".")), PartnerCaTrust.none()).build();
        path = new ResponsePath(new UpstreamClient(URI.create(upstream), Duration.ofSeconds(2), Duration.ofSeconds(5),
                1 << 20), new TreeLabeller(LabelConfiguration.defaults(FHIR)), new FhirJson(),
                new DisclosureControl(authenticator, policies, new TreeRedactor(FHIR), BASE),
                (entry, patients, alsoWrite) -> { }, "guard-test-1", Clock.systemUTC());
    }

    @Test
    void searchLinks_carryAGuardToken_andTheTokenReachesTheUpstreamPageItStandsFor() throws Exception {
        ResponsePath.Outbound search = internal(ResponsePath.Interaction.SEARCH, "Patient",
                Map.of("family", new String[] {"Okafor"}, "_count", new String[] {"1"}));

        assertThat(search.status()).isEqualTo(200);
        String body = new String(search.body(), StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("upstream-search-7").doesNotContain("_getpagesoffset");
        String token = token(search, "next");

        ResponsePath.Outbound page = internal(ResponsePath.Interaction.PAGE, null,
                Map.of("_getpages", new String[] {token}));

        assertThat(page.status()).as(new String(page.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        UPSTREAM.verify(1, getRequestedFor(
                urlEqualTo("/fhir?_getpages=upstream-search-7&_getpagesoffset=1&_count=1&_bundletype=searchset")));
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("\"p2\"")
                .doesNotContain("upstream-search-7");
        assertThat(token(page, "previous")).as("every page issues tokens of its own").isNotEqualTo(token);
    }

    @Test
    void theUpstreamPageIdItself_isNotAPageToken() {
        ResponsePath.Outbound page = internal(ResponsePath.Interaction.PAGE, null,
                Map.of("_getpages", new String[] {"upstream-search-7"}));

        assertError(page, 410, "DG-1104");
        UPSTREAM.verify(0, getRequestedFor(urlPathEqualTo("/fhir")));
    }

    @Test
    void aTokenWithPagingParametersAddedOrRepeated_isRefused() throws Exception {
        String token = token(internal(ResponsePath.Interaction.SEARCH, "Patient",
                Map.of("family", new String[] {"Okafor"})), "next");

        assertError(internal(ResponsePath.Interaction.PAGE, null, Map.of("_getpages", new String[] {token},
                "_getpagesoffset", new String[] {"500"})), 403, "DG-1204");
        assertError(internal(ResponsePath.Interaction.PAGE, null, Map.of("_getpages", new String[] {token},
                "_count", new String[] {"1000"})), 403, "DG-1204");
        assertError(internal(ResponsePath.Interaction.PAGE, null,
                Map.of("_getpages", new String[] {token, token})), 403, "DG-1204");
        assertError(internal(ResponsePath.Interaction.PAGE, null, Map.of()), 403, "DG-1204");
        UPSTREAM.verify(0, getRequestedFor(urlPathEqualTo("/fhir")));
        assertThat(internal(ResponsePath.Interaction.PAGE, null, Map.of("_getpages", new String[] {token},
                "_format", new String[] {"json"})).status()).as("the guard's own output parameters are fine")
                .isEqualTo(200);
    }

    @Test
    void aTokenIssuedToOneRequester_isRefusedToAnother_beforeTheUpstreamIsAsked() throws Exception {
        String token = token(internal(ResponsePath.Interaction.SEARCH, "Patient",
                Map.of("family", new String[] {"Okafor"})), "next");
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Authorization", "Bearer " + SignedTokens.es256(AGENCY,
                SignedTokens.claims("agency", BASE, Instant.now()).claim("purpose_of_use", "PUBHLTH")
                        .claim("legal_basis", "COPI-REG3").claim("case_reference", "PH-1")
                        .claim("requesting_officer", "Dr A"))));

        ResponsePath.Outbound page = path.handle(new ResponsePath.Inbound(ResponsePath.Interaction.PAGE, null, null,
                Map.of("_getpages", new String[] {token}), headers, BASE,
                DisclosureControl.Connection.plain("10.0.0.9")));

        assertThat(page.status()).isEqualTo(403);
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).doesNotContain("p2").doesNotContain(token);
        UPSTREAM.verify(0, getRequestedFor(urlPathEqualTo("/fhir")));
    }

    @Test
    void afterAPolicyChange_theOldTokensAreNoLongerServed() throws Exception {
        String token = token(internal(ResponsePath.Interaction.SEARCH, "Patient",
                Map.of("family", new String[] {"Okafor"})), "next");
        Files.writeString(policyFile, "# reviewed by the Caldicott Guardian\n"
                + new String(PolicyEngine.defaultPolicyBytes(), StandardCharsets.UTF_8));
        assertThat(policies.reload().changed()).isTrue();

        assertError(internal(ResponsePath.Interaction.PAGE, null, Map.of("_getpages", new String[] {token})), 410,
                "DG-1206");
        UPSTREAM.verify(0, getRequestedFor(urlPathEqualTo("/fhir")));
        assertThat(token(internal(ResponsePath.Interaction.SEARCH, "Patient",
                Map.of("family", new String[] {"Okafor"})), "next")).as("a new search pages again").isNotEqualTo(token);
    }

    @Test
    void tokensAreCountedInABoundedCache() throws Exception {
        token(internal(ResponsePath.Interaction.SEARCH, "Patient", Map.of("family", new String[] {"Okafor"})), "next");

        assertThat(path.pageTokens().cache().estimatedSize()).isEqualTo(1);
        assertThat(path.pageTokens().cache().policy().eviction().orElseThrow().getMaximum())
                .isEqualTo(PageTokens.MAXIMUM);
        UPSTREAM.verify(1, getRequestedFor(anyUrl()));
    }

    private ResponsePath.Outbound internal(ResponsePath.Interaction interaction, String type,
            Map<String, String[]> parameters) {
        return path.handle(new ResponsePath.Inbound(interaction, type, null, parameters, new LinkedHashMap<>(), BASE,
                DisclosureControl.Connection.plain("127.0.0.1")));
    }

    private static String token(ResponsePath.Outbound answer, String relation) throws Exception {
        assertThat(answer.status()).isEqualTo(200);
        for (JsonNode link : JSON.readTree(answer.body()).path("link")) {
            if (link.path("relation").asText().equals(relation)) {
                Matcher matcher = TOKEN.matcher(link.path("url").asText());
                assertThat(matcher.matches()).as(link.path("url").asText()).isTrue();
                return matcher.group(1);
            }
        }
        throw new AssertionError("no " + relation + " link");
    }

    private static void assertError(ResponsePath.Outbound answer, int status, String code) {
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.status()).as(body).isEqualTo(status);
        assertThat(body).contains(code).doesNotContain("upstream-search-7");
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder bundle(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json").withBody(json);
    }
}

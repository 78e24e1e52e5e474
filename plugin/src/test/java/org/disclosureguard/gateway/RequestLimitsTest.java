package org.disclosureguard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.Limit;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.policy.Requester;
import org.disclosureguard.redaction.TreeRedactor;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.upstream.UpstreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy's limits on outside requesters: requests per minute and distinct patients per day, answered 429 with
 * {@code Retry-After} and recorded, with nothing released over the limit; the practice itself is never limited.
 */
class RequestLimitsTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String BASE = "https://guard.example.org/fhir";
    private static final KeyPair AGENCY = SignedTokens.ec();
    private static final Instant NOON = Instant.parse("2026-11-23T12:00:10Z");
    private static final WireMockServer UPSTREAM = new WireMockServer(wireMockConfig().dynamicPort()
            .bindAddress("127.0.0.1"));
    private static final String LIMITS = """

            limits:
              - class: public-health
                requestsPerMinute: 4
                patientsPerDay: 2
              - class: '*'
                requestsPerMinute: 100
            """;

    private final List<AuditEntry> recorded = new ArrayList<>();

    @BeforeAll
    static void start() {
        UPSTREAM.start();
        for (String id : List.of("p1", "p2", "p3")) {
            UPSTREAM.stubFor(get(urlPathMatching("/fhir/Patient/" + id)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Canary"
                            + id + "\"}]}")));
        }
    }

    @AfterAll
    static void stop() {
        UPSTREAM.stop();
    }

    private ResponsePath path(Clock clock) {
        PolicyEngine engine = PolicyEngine.compile("policy.yaml", (new String(PolicyEngine.defaultPolicyBytes(),
                StandardCharsets.UTF_8) + LIMITS).getBytes(StandardCharsets.UTF_8));
        RequesterRegistry registry = RequesterRegistry.parse("requesters.yaml", """
                version: 1
                requesters:
                  - id: agency
                    organisation: Test Health Agency
                    class: public-health
                    token: {clientId: agency, keys: [{jwk: '%s'}]}
                """.formatted(SignedTokens.publicJwk(AGENCY)), Path.of("."));
        DisclosureControl control = new DisclosureControl(RequesterAuthenticator.builder(registry,
                PartnerCaTrust.none()).build(), PolicyStore.of(engine, clock), new TreeRedactor(FHIR), BASE, clock);
        return new ResponsePath(new UpstreamClient(URI.create(UPSTREAM.baseUrl() + "/fhir"), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 1 << 20), new TreeLabeller(LabelConfiguration.defaults(FHIR)), new FhirJson(),
                control, (entry, patients, alsoWrite) -> recorded.add(entry), "guard-1", clock);
    }

    private static ResponsePath.Inbound read(String id, boolean outside) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (outside) {
            headers.put("Authorization", "Bearer " + SignedTokens.es256(AGENCY, SignedTokens.claims("agency", BASE,
                    Instant.now()).claim("purpose_of_use", "PUBHLTH").claim("legal_basis", "PUBLIC-HEALTH-STATUTORY")));
        }
        return new ResponsePath.Inbound(ResponsePath.Interaction.READ, "Patient", id, Map.of(), headers, BASE,
                DisclosureControl.Connection.plain(outside ? "10.0.0.5" : "127.0.0.1"));
    }

    @Test
    void aRequesterOverItsRequestsPerMinute_isAnswered429UntilTheNextMinute() {
        ResponsePath path = path(Clock.fixed(NOON, ZoneOffset.UTC));
        for (int i = 0; i < 4; i++) {
            assertThat(path.handle(read("p1", true)).status()).isEqualTo(200);
        }

        ResponsePath.Outbound over = path.handle(read("p1", true));

        assertThat(over.status()).isEqualTo(429);
        assertThat(new String(over.body(), StandardCharsets.UTF_8)).contains("DG-2401").doesNotContain("Canaryp1");
        assertThat(over.headers()).containsEntry("Retry-After", "50");
        assertThat(recorded.get(recorded.size() - 1).outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(recorded.get(recorded.size() - 1).code()).isEqualTo("DG-2401");
        for (int i = 0; i < 10; i++) {
            assertThat(path.handle(read("p2", false)).status()).as("the practice itself").isEqualTo(200);
        }
    }

    @Test
    void aRequesterAtItsPatientsPerDay_getsNoNewPatient_butTheSameOnesAgain() {
        ResponsePath path = path(Clock.fixed(NOON, ZoneOffset.UTC));
        assertThat(path.handle(read("p1", true)).status()).isEqualTo(200);
        assertThat(path.handle(read("p2", true)).status()).isEqualTo(200);

        ResponsePath.Outbound third = path.handle(read("p3", true));

        assertThat(third.status()).isEqualTo(429);
        String body = new String(third.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("DG-2402").doesNotContain("Canaryp3");
        assertThat(Long.parseLong(third.headers().get("Retry-After"))).isEqualTo(Duration.between(NOON,
                Instant.parse("2026-11-24T00:00:00Z")).toSeconds());
        assertThat(recorded.get(recorded.size() - 1).released()).isEmpty();
        assertThat(path.handle(read("p1", true)).status()).as("a patient already released today").isEqualTo(200);
    }

    @Test
    void theMostSpecificLimitApplies_andTheLimitsAreCheckedAtLoad() {
        PolicyEngine engine = PolicyEngine.compile("policy.yaml", (new String(PolicyEngine.defaultPolicyBytes(),
                StandardCharsets.UTF_8) + LIMITS + """
                  - requester: special-agency
                    requestsPerMinute: 1
                """).getBytes(StandardCharsets.UTF_8));
        assertThat(engine.limitFor(new Requester("agency", "", "public-health", false)).patientsPerDay()).isEqualTo(2);
        assertThat(engine.limitFor(new Requester("special-agency", "", "public-health", false)).requestsPerMinute())
                .isEqualTo(1);
        assertThat(engine.limitFor(new Requester("force", "", "police", false)).requestsPerMinute()).isEqualTo(100);
        assertThat(engine.limitFor(new Requester("practice", "", "practice", true))).isEqualTo(Limit.NONE);

        assertThatThrownBy(() -> PolicyEngine.compile("policy.yaml", (new String(PolicyEngine.defaultPolicyBytes(),
                StandardCharsets.UTF_8) + "\nlimits:\n  - class: spies\n    requestsPerMinute: 3\n")
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("DG-2005").hasMessageContaining("spies");
        assertThatThrownBy(() -> PolicyEngine.compile("policy.yaml", (new String(PolicyEngine.defaultPolicyBytes(),
                StandardCharsets.UTF_8) + "\nlimits:\n  - class: police\n    requestsPerMinute: 0\n")
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("whole number");
    }
}

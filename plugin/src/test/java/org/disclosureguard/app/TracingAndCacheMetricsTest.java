package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.StoredEntry;
import org.disclosureguard.staff.StaffAccounts;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.testsupport.TestRequesters;
import org.disclosureguard.tracing.TracingAlert;
import org.disclosureguard.tracing.TracingAlerts;
import org.disclosureguard.tracing.TracingPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole guard, with a policy file the tests rewrite and reload: a burst of refused searches raises exactly one
 * tracing alert, audited, with its evidence, on the staff page; a reload changes the limits and the tracing
 * thresholds without a restart; and every cache's statistics are on the Prometheus endpoint. The practice server is
 * unreachable (port 9): the searches are refused by the policy before it would be asked.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "guard.upstream.base-url=http://127.0.0.1:9/fhir")
class TracingAndCacheMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.tracing.test/fhir";
    private static final KeyPair TRACER = SignedTokens.ec();
    private static final KeyPair STEADY = SignedTokens.ec();
    private static final KeyPair COUNTER = SignedTokens.ec();
    private static final String STAFF_PASSWORD = "a long enough staff password";
    /** The guard's database outlives a run, so the requesters are new each run. */
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private static final String TRACER_ID = "tracer-" + RUN;
    private static final String STEADY_ID = "steady-" + RUN;
    private static final String COUNTER_ID = "counter-" + RUN;
    private static final String HEADER = """
            version: 1
            requesterClasses: [police]
            purposes: [CRIMEPREV]
            legalBases: [SERIOUS-CRIME]
            rules: []
            """;
    private static final String POLICY_TEXT = HEADER + """
            limits:
              - class: police
                requestsPerMinute: 1000
            tracing:
              notify: Practitioner/cg-1
              refusedSearches: {count: 3, windowMinutes: 10}
            """;
    private static final Path POLICY = write("tracing-policy", "policy.yaml", POLICY_TEXT);
    private static final Path REGISTRY = TestRequesters.registry("tracing-registry", List.of(
            new TestRequesters.Requester(TRACER_ID, "police", TRACER),
            new TestRequesters.Requester(STEADY_ID, "police", STEADY),
            new TestRequesters.Requester(COUNTER_ID, "police", COUNTER)));
    private static final Path STAFF = write("tracing-staff", "staff.yaml", """
            version: 1
            staff:
              - id: cg
                name: Caldicott Guardian
                roles: [caldicott-guardian]
                passwordHash: '%s'
            """.formatted(StaffAccounts.hash(STAFF_PASSWORD.toCharArray(), new SecureRandom())));

    @LocalServerPort
    int port;

    @Autowired
    TracingAlerts alerts;

    @Autowired
    JdbcAuditStore store;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.policy.file", POLICY::toString);
        registry.add("guard.identity.registry-file", REGISTRY::toString);
        registry.add("guard.identity.audience", () -> AUDIENCE);
        registry.add("guard.review.staff-file", STAFF::toString);
    }

    @AfterEach
    void restorePolicy() throws Exception {
        reload(POLICY_TEXT);
    }

    @Test
    void aBurstOfRefusedSearches_raisesExactlyOneAlert_withItsEvidence_onTheStaffPage() throws Exception {
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> refused = search(TRACER, TRACER_ID, "Smith" + i);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            requestIds.add(refused.headers().firstValue("X-DG-Request-Id").orElseThrow());
        }

        List<TracingAlert> mine = alerts.recent(100).stream().map(TracingAlerts.Stored::alert)
                .filter(a -> a.requesterId().equals(TRACER_ID)).toList();
        assertThat(mine).singleElement().satisfies(a -> {
            assertThat(a.pattern()).isEqualTo(TracingPattern.REFUSED_SEARCHES);
            assertThat(a.evidenceRequestIds()).containsExactlyElementsOf(requestIds.subList(0, 3));
        });
        TracingAlert alert = mine.get(0);
        StoredEntry own = store.byRequestId(alert.alertId()).get(0);
        assertThat(own.entry().interaction()).isEqualTo("tracing-alert");
        assertThat(own.entry().outcome()).isEqualTo(AuditOutcome.ESCALATE);
        assertThat(own.seq()).isGreaterThan(alert.evidenceSeqs().get(2));

        String cookie = signIn();
        HttpResponse<String> list = send(HttpRequest.newBuilder(uri("/staff/alerts")).header("Cookie", cookie));
        HttpResponse<String> one = send(HttpRequest.newBuilder(uri("/staff/alerts/" + alert.alertId()))
                .header("Cookie", cookie));
        HttpResponse<String> noSession = send(HttpRequest.newBuilder(uri("/staff/alerts")));
        HttpResponse<String> outsider = send(HttpRequest.newBuilder(uri("/staff/alerts"))
                .header("X-Forwarded-For", "203.0.113.9").header("Cookie", cookie));

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("/staff/alerts/" + alert.alertId(), "refused-searches").doesNotContain(
                "<script");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains(requestIds.get(0), requestIds.get(1), requestIds.get(2))
                .doesNotContain(requestIds.get(3));
        assertThat(noSession.statusCode()).isEqualTo(303);
        assertThat(outsider.statusCode()).isEqualTo(404);
    }

    @Test
    void aPolicyReload_changesTheLimitAndTheTracingThreshold_withoutARestart() throws Exception {
        reload(HEADER + """
                limits:
                  - class: police
                    requestsPerMinute: 1000
                tracing:
                  refusedSearches: {count: 10, windowMinutes: 10}
                """);
        assertThat(search(STEADY, STEADY_ID, "Jones0").statusCode()).isEqualTo(403);
        assertThat(search(STEADY, STEADY_ID, "Jones1").statusCode()).isEqualTo(403);
        assertThat(alerts.recent(100).stream().filter(a -> a.alert().requesterId().equals(STEADY_ID))).isEmpty();

        reload(HEADER + """
                limits:
                  - class: police
                    requestsPerMinute: 1000
                  - requester: %s
                    requestsPerMinute: 1
                tracing:
                  refusedSearches: {count: 3, windowMinutes: 10}
                """.formatted(STEADY_ID));
        // At most one clock minute starts during these four requests, so at least one is over a limit of one.
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 2; i < 6; i++) {
            answers.add(search(STEADY, STEADY_ID, "Jones" + i));
        }

        HttpResponse<String> throttled = answers.stream().filter(a -> a.statusCode() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no request was cut off at the reloaded limit"));
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.body()).contains("DG-2401");
        StoredEntry audited = store.byRequestId(throttled.headers().firstValue("X-DG-Request-Id").orElseThrow())
                .get(0);
        assertThat(audited.entry().code()).isEqualTo("DG-2401");
        assertThat(audited.entry().outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(alerts.recent(100).stream().map(TracingAlerts.Stored::alert)
                .filter(a -> a.requesterId().equals(STEADY_ID)))
                .singleElement().satisfies(a -> {
                    assertThat(a.threshold()).isEqualTo(3);
                    assertThat(a.evidenceSeqs()).hasSize(3);
                });
    }

    private void reload(String policy) throws Exception {
        Files.writeString(POLICY, policy);
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/staff/policy/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void everyCache_isOnThePrometheusEndpoint_andItsStatisticsMove() throws Exception {
        String before = metrics();
        for (String cache : List.of("jwt.replay", "certificate.requester", "limits.minutes", "limits.days",
                "tracing.windows", "gateway.pages", "gateway.polls", "staff.sessions")) {
            assertThat(before).contains("cache_size{cache=\"" + cache + "\"")
                    .contains("cache_gets_total{cache=\"" + cache + "\"")
                    .contains("cache_evictions_total{cache=\"" + cache + "\"");
        }
        assertThat(before).containsPattern("guard_policy_compiled_rules(\\{[^}]*\\})? 0\\.0");

        search(COUNTER, COUNTER_ID, "Brown");
        search(COUNTER, COUNTER_ID, "Green");
        String after = metrics();

        assertThat(value(after, "cache_gets_total", "limits.minutes", "miss")
                + value(after, "cache_gets_total", "limits.minutes", "hit"))
                .isGreaterThanOrEqualTo(value(before, "cache_gets_total", "limits.minutes", "miss")
                        + value(before, "cache_gets_total", "limits.minutes", "hit") + 2);
        assertThat(value(after, "cache_gets_total", "tracing.windows", "miss")
                + value(after, "cache_gets_total", "tracing.windows", "hit"))
                .isGreaterThanOrEqualTo(value(before, "cache_gets_total", "tracing.windows", "miss")
                        + value(before, "cache_gets_total", "tracing.windows", "hit") + 2);
        assertThat(value(after, "cache_size", "jwt.replay", null))
                .isGreaterThanOrEqualTo(value(before, "cache_size", "jwt.replay", null) + 2);
    }

    /** The value of one series of the scrape ({@code result} tag when given), 0 when absent. */
    private static double value(String scrape, String metric, String cache, String result) {
        Matcher m = Pattern.compile("(?m)^" + metric + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        double total = 0;
        while (m.find()) {
            String tags = m.group(1);
            if (tags.contains("cache=\"" + cache + "\"") && (result == null || tags.contains("result=\"" + result
                    + "\""))) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private String metrics() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/actuator/prometheus")));
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    private HttpResponse<String> search(KeyPair key, String clientId, String family) throws Exception {
        String token = SignedTokens.es256(key, SignedTokens.claims(clientId, AUDIENCE, Instant.now())
                .claim("purpose_of_use", "CRIMEPREV").claim("legal_basis", "SERIOUS-CRIME"));
        return send(HttpRequest.newBuilder(uri("/fhir/Patient?family=" + family))
                .header("Authorization", "Bearer " + token));
    }

    private String signIn() throws Exception {
        HttpResponse<String> signedIn = send(HttpRequest.newBuilder(uri("/staff/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("id=cg&password="
                        + URLEncoder.encode(STAFF_PASSWORD, StandardCharsets.UTF_8))));
        return signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

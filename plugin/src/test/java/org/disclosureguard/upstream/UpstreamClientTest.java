package org.disclosureguard.upstream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upstream client against a WireMock practice server: what it sends, what it keeps, and how every way an
 * exchange can go wrong is classified. No Spring.
 */
class UpstreamClientTest {

    /** For the cases about timeouts: short, so that those tests are quick. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
    /** For every other case: long enough that a busy build machine never turns an answer into a timeout. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long LIMIT = 8 * 1024;
    private static final String FHIR_JSON = "application/fhir+json;charset=UTF-8";
    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"Smith\"}]}";

    private static WireMockServer upstream;

    private UpstreamClient client;

    @BeforeAll
    static void startUpstream() {
        upstream = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop();
    }

    @BeforeEach
    void reset() {
        upstream.resetAll();
        client = clientFor(URI.create(upstreamUrl() + "/fhir"), LIMIT);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static String upstreamUrl() {
        return "http://127.0.0.1:" + upstream.port();
    }

    private static UpstreamClient clientFor(URI base, long limit) {
        return new UpstreamClient(base, CONNECT_TIMEOUT, TIMEOUT, limit);
    }

    private static UpstreamClient impatientClientFor(URI base) {
        return new UpstreamClient(base, CONNECT_TIMEOUT, SHORT_TIMEOUT, LIMIT);
    }

    // ---- successful exchanges ----

    @Test
    void get_whenUpstreamAnswers200FhirJson_returnsBodyAndOnlyAllowListedHeaders() throws Exception {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", FHIR_JSON)
                .withHeader("ETag", "W/\"3\"")
                .withHeader("Last-Modified", "Tue, 03 Feb 2026 10:00:00 GMT")
                .withHeader("X-Request-Id", "req-17")
                .withHeader("Set-Cookie", "JSESSIONID=secret; HttpOnly")
                .withHeader("Server", "PracticeServer/1.2.3")
                .withHeader("X-Powered-By", "HAPI FHIR 8.8.0")
                .withBody(PATIENT)));

        UpstreamResponse response = client.get("Patient/p1", Map.of());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.isSuccess()).isTrue();
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(PATIENT);
        assertThat(response.headers())
                .containsEntry("etag", "W/\"3\"")
                .containsEntry("last-modified", "Tue, 03 Feb 2026 10:00:00 GMT")
                .containsEntry("x-request-id", "req-17")
                .containsOnlyKeys(UpstreamClient.KEPT_RESPONSE_HEADERS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/fhir+json", "application/json", "application/json+fhir; charset=utf-8",
            "Application/FHIR+JSON;charset=UTF-8"})
    void get_acceptsEveryFhirJsonContentType(String contentType) throws Exception {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", contentType).withBody(PATIENT)));

        assertThat(client.get("Patient/p1", Map.of()).body()).asString(StandardCharsets.UTF_8).isEqualTo(PATIENT);
    }

    @Test
    void get_asksForFhirJsonAndForwardsOnlyAllowListedRequestHeaders() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withHeader("Content-Type", FHIR_JSON).withBody(PATIENT)));
        Map<String, String> requesterHeaders = new LinkedHashMap<>();
        requesterHeaders.put("Authorization", "Bearer requester-token");
        requesterHeaders.put("Cookie", "session=requester-session");
        requesterHeaders.put("X-Forwarded-For", "203.0.113.9");
        requesterHeaders.put("Accept", "text/html");
        requesterHeaders.put("Host", "guard.example");
        requesterHeaders.put("Accept-Language", "en-GB");
        requesterHeaders.put("X-Request-Id", "req-42");

        client.get("Patient/p1", requesterHeaders);

        upstream.verify(1, getRequestedFor(urlEqualTo("/fhir/Patient/p1"))
                .withHeader("Accept", equalTo("application/fhir+json"))
                .withHeader("Accept-Language", equalTo("en-GB"))
                .withHeader("X-Request-Id", equalTo("req-42"))
                .withHeader("Authorization", absent())
                .withHeader("Cookie", absent())
                .withHeader("X-Forwarded-For", absent()));
        assertThat(upstream.getAllServeEvents().get(0).getRequest().getHeader("Host"))
                .isEqualTo("127.0.0.1:" + upstream.port());
    }

    @Test
    void get_withQueryOnly_appendsItToTheBaseItself() throws Exception {
        upstream.stubFor(get(urlPathEqualTo("/fhir")).willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody("{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}")));

        client.get("?_getpages=abc&_getpagesoffset=20", Map.of());

        upstream.verify(1, getRequestedFor(urlEqualTo("/fhir?_getpages=abc&_getpagesoffset=20")));
    }

    @Test
    void get_withBaseEndingInSlash_doesNotDoubleTheSlash() throws Exception {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT)));
        UpstreamClient slashed = clientFor(URI.create(upstreamUrl() + "/fhir//"), LIMIT);

        assertThat(slashed.base()).hasToString(upstreamUrl() + "/fhir");
        assertThat(slashed.get("Patient/p1", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void get_whenUpstreamAnswers404WithOperationOutcome_returnsItForTheCallerToMap() throws Exception {
        String outcome = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"not-found\",\"diagnostics\":\"Resource Patient/nope is not known\"}]}";
        upstream.stubFor(get("/fhir/Patient/nope").willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", FHIR_JSON).withBody(outcome)));

        UpstreamResponse response = client.get("Patient/nope", Map.of());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.isSuccess()).isFalse();
        assertThat(response.body()).asString(StandardCharsets.UTF_8).isEqualTo(outcome);
    }

    // ---- the upstream cannot be reached or is slow ----

    @Test
    void get_whenConnectionIsRefused_failsAsUnavailable() throws Exception {
        UpstreamClient closed = clientFor(URI.create("http://127.0.0.1:" + closedPort() + "/fhir"), LIMIT);

        assertFailure(() -> closed.get("Patient/p1", Map.of()), UpstreamFailure.Kind.UNAVAILABLE);
    }

    @Test
    void get_whenUpstreamDelaysBeyondTheTimeout_failsAsTimeout() {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT).withFixedDelay(2_000)));
        UpstreamClient impatient = impatientClientFor(URI.create(upstreamUrl() + "/fhir"));

        assertFailure(() -> impatient.get("Patient/p1", Map.of()), UpstreamFailure.Kind.TIMEOUT);
    }

    @Test
    void get_whenBodyTricklesInLongerThanTheTimeout_failsAsTimeout() {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT).withChunkedDribbleDelay(20, 2_000)));
        UpstreamClient impatient = impatientClientFor(URI.create(upstreamUrl() + "/fhir"));

        assertFailure(() -> impatient.get("Patient/p1", Map.of()), UpstreamFailure.Kind.TIMEOUT);
    }

    @Test
    void get_whenTimedOutWhileTheBodyTrickles_abandonsTheConnection() throws Exception {
        try (EndlessServer endless = new EndlessServer(1, 50)) {
            UpstreamClient endlessClient = impatientClientFor(URI.create("http://127.0.0.1:" + endless.port() + "/fhir"));

            assertFailure(() -> endlessClient.get("Patient/p1", Map.of()), UpstreamFailure.Kind.TIMEOUT);

            assertThat(endless.connectionClosedByClient()).isTrue();
        }
    }

    // ---- answers the guard must not use ----

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503})
    void get_whenUpstreamAnswersServerError_failsAsErrorStatus(int status) {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withStatus(status).withHeader("Content-Type", FHIR_JSON)
                .withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[]}")));

        UpstreamFailure failure = assertFailure(() -> client.get("Patient/p1", Map.of()),
                UpstreamFailure.Kind.ERROR_STATUS);
        assertThat(failure).hasMessageContaining(String.valueOf(status));
    }

    @Test
    void get_whenUpstreamRedirects_failsAsRedirectAndDoesNotFollowIt() {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withStatus(302).withHeader("Location", upstreamUrl() + "/elsewhere/Patient/p1")));
        upstream.stubFor(get("/elsewhere/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT)));

        UpstreamFailure failure = assertFailure(() -> client.get("Patient/p1", Map.of()),
                UpstreamFailure.Kind.REDIRECT);

        assertThat(failure.getMessage()).doesNotContain("elsewhere");
        upstream.verify(0, getRequestedFor(urlPathEqualTo("/elsewhere/Patient/p1")));
        upstream.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void get_whenUpstreamAnswersHtml_failsAsNotFhir() {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", "text/html;charset=UTF-8")
                .withBody("<html><body>Welcome to the practice server</body></html>")));

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenUpstreamAnswersWithoutContentType_failsAsNotFhir() {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse().withBody(PATIENT)));

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenUpstreamAnswers404Html_failsAsNotFhir() {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "text/html").withBody("<h1>Not Found</h1>")));

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenDeclaredBodyIsOverTheLimit_failsAsTooLarge() throws Exception {
        byte[] body = largePatient(LIMIT * 4);
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON)
                .withHeader("Content-Length", String.valueOf(body.length))
                .withBody(body)));
        assertThat(plainGet("/fhir/Patient/p1").headers().firstValue("Content-Length"))
                .hasValue(String.valueOf(body.length));

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.TOO_LARGE);
    }

    @Test
    void get_whenStreamedBodyWithoutLengthIsOverTheLimit_failsAsTooLarge() throws Exception {
        byte[] body = largePatient(LIMIT * 4);
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(body).withChunkedDribbleDelay(8, 40)));
        HttpResponse<Void> probe = plainGet("/fhir/Patient/p1");
        assertThat(probe.headers().firstValue("Content-Length")).isEmpty();
        assertThat(probe.headers().firstValue("Transfer-Encoding")).hasValue("chunked");

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.TOO_LARGE);
    }

    @Test
    void get_whenAnEndlessBodyPassesTheLimit_failsAsTooLargeAndAbandonsTheConnection() throws Exception {
        try (EndlessServer endless = new EndlessServer(1024, 5)) {
            UpstreamClient endlessClient = clientFor(URI.create("http://127.0.0.1:" + endless.port() + "/fhir"), LIMIT);

            assertFailure(() -> endlessClient.get("Patient/p1", Map.of()), UpstreamFailure.Kind.TOO_LARGE);

            assertThat(endless.connectionClosedByClient()).isTrue();
        }
    }

    @Test
    void get_asksForAnUncompressedBody_andRefusesACompressionBombUnread() throws Exception {
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(compressed)) {
            gzip.write("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"text\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 6; i++) {
                gzip.write(spaces);
            }
            gzip.write("\"}".getBytes(StandardCharsets.UTF_8));
        }
        byte[] bomb = compressed.toByteArray();
        assertThat((long) bomb.length).as("6 MiB inflated, under the size cap compressed").isLessThan(LIMIT);
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withHeader("Content-Encoding", "gzip").withBody(bomb)));

        assertFailure(() -> client.get("Patient/p1", Map.of("Accept-Encoding", "gzip")), UpstreamFailure.Kind.NOT_FHIR);

        upstream.verify(getRequestedFor(urlEqualTo("/fhir/Patient/p1"))
                .withHeader("Accept-Encoding", equalTo("identity")));
    }

    @Test
    void get_whenBodyIsExactlyTheLimit_returnsIt() throws Exception {
        byte[] body = largePatient(LIMIT);
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(body)));

        assertThat(client.get("Patient/p1", Map.of()).body()).isEqualTo(body);
    }

    @Test
    void get_whenConnectionSendsGarbageAndCloses_failsAsNotFhir() {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenBodyIsShorterThanItsContentLength_failsAsNotFhir() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 500\r\n\r\n";
        try (RawServer raw = new RawServer(head + PATIENT.substring(0, 30))) {
            UpstreamClient rawClient = clientFor(URI.create("http://127.0.0.1:" + raw.port() + "/fhir"), LIMIT);

            assertFailure(() -> rawClient.get("Patient/p1", Map.of()), UpstreamFailure.Kind.NOT_FHIR);
        }
    }

    @Test
    void get_whenChunkedBodyIsCutShort_failsAsNotFhir() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\n\r\n";
        try (RawServer raw = new RawServer(head + "40\r\n" + PATIENT.substring(0, 30))) {
            UpstreamClient rawClient = clientFor(URI.create("http://127.0.0.1:" + raw.port() + "/fhir"), LIMIT);

            assertFailure(() -> rawClient.get("Patient/p1", Map.of()), UpstreamFailure.Kind.NOT_FHIR);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK"})
    void get_whenConnectionFails_failsAndReturnsNoResponse(Fault fault) {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withFault(fault)));

        assertThatThrownBy(() -> client.get("Patient/p1", Map.of()))
                .isInstanceOf(UpstreamFailure.class)
                .asInstanceOf(type(UpstreamFailure.class))
                .extracting(UpstreamFailure::kind)
                .isNotNull();
    }

    @Test
    void get_whenPathCannotBeAUri_failsWithoutCallingUpstream() {
        assertFailure(() -> client.get("Patient?name=a b", Map.of()), UpstreamFailure.Kind.UNEXPECTED_CONTENT);
        upstream.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void failureMessages_neverCarryTheUpstreamBody() {
        String canary = "CANARY-" + UUID.randomUUID();
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withStatus(500).withHeader("Content-Type", FHIR_JSON).withHeader("X-Canary", canary)
                .withBody("{\"resourceType\":\"OperationOutcome\",\"text\":\"" + canary + "\"}")));

        UpstreamFailure failure = assertFailure(() -> client.get("Patient/p1", Map.of()),
                UpstreamFailure.Kind.ERROR_STATUS);

        assertThat(failure.getMessage()).doesNotContain(canary);
        assertThat(failure.getCause()).isNull();
    }

    // ---- the transport: no retries, no compression, no cookies, a pool ----

    @Test
    void get_asksForNoCompressionAndSendsNoCookieBack() throws Exception {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON)
                .withHeader("Set-Cookie", "JSESSIONID=practice-session; Path=/")
                .withBody(PATIENT)));

        client.get("Patient/p1", Map.of());
        client.get("Patient/p1", Map.of());

        assertThat(upstream.getAllServeEvents()).hasSize(2).allSatisfy(event -> {
            assertThat(event.getRequest().header("Accept-Encoding").values()).containsExactly("identity");
            assertThat(event.getRequest().containsHeader("Cookie")).isFalse();
        });
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE"})
    void get_whenTheConnectionIsClosedWithoutAnAnswer_failsAsUnavailableAndDoesNotRetry(Fault fault) {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withFault(fault)));

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.UNAVAILABLE);

        upstream.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void get_afterThePracticeServerClosedAnIdleKeepAliveConnection_opensANewOne() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: "
                + PATIENT.length() + "\r\n\r\n" + PATIENT;
        try (RawServer closesAfterEachAnswer = new RawServer(answer);
                UpstreamClient rawClient = clientFor(
                        URI.create("http://127.0.0.1:" + closesAfterEachAnswer.port() + "/fhir"), LIMIT)) {
            assertThat(rawClient.get("Patient/p1", Map.of()).body()).asString(StandardCharsets.UTF_8).isEqualTo(PATIENT);

            // The answer promised keep-alive, but the server closed the connection; let it lie idle in the pool.
            Thread.sleep(UpstreamClient.VALIDATE_AFTER_INACTIVITY.toMillis() + 500);

            assertThat(rawClient.get("Patient/p1", Map.of()).body()).asString(StandardCharsets.UTF_8).isEqualTo(PATIENT);
            assertThat(closesAfterEachAnswer.connections()).isEqualTo(2);
        }
    }

    @Test
    void get_whenThePooledConnectionsWereClosedJustNow_failsOnceAsUnavailableAndThenConnectsAfresh() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: "
                + PATIENT.length() + "\r\n\r\n" + PATIENT;
        try (RawServer closesAfterEachAnswer = new RawServer(answer, 500);
                UpstreamClient rawClient = clientFor(
                        URI.create("http://127.0.0.1:" + closesAfterEachAnswer.port() + "/fhir"), LIMIT)) {
            // Two requests at once leave two connections in the pool, both already closed by the server.
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<UpstreamResponse>> first = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    first.add(two.submit(() -> {
                        start.await();
                        return rawClient.get("Patient/p1", Map.of());
                    }));
                }
                start.countDown();
                for (Future<UpstreamResponse> response : first) {
                    assertThat(response.get(1, TimeUnit.MINUTES).status()).isEqualTo(200);
                }
            } finally {
                two.shutdownNow();
            }
            assertThat(closesAfterEachAnswer.connections()).isEqualTo(2);

            // Reused at once, before the idle check applies: the server closed it without answering.
            assertFailure(() -> rawClient.get("Patient/p1", Map.of()), UpstreamFailure.Kind.UNAVAILABLE);

            // The other closed connection was dropped with it: the next request connects afresh.
            assertThat(rawClient.get("Patient/p1", Map.of()).status()).isEqualTo(200);
            assertThat(closesAfterEachAnswer.connections()).isEqualTo(3);
        }
    }

    @Test
    void get_fromManyThreadsAtOnce_allSucceedOverPooledConnections() throws Exception {
        int threads = 16;
        int perThread = 20;
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        HttpServer counting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        ExecutorService serverThreads = Executors.newFixedThreadPool(threads);
        counting.setExecutor(serverThreads);
        counting.createContext("/fhir/Patient/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            String id = exchange.getRequestURI().getPath().substring("/fhir/Patient/".length());
            byte[] body = ("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", FHIR_JSON);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        counting.start();
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (UpstreamClient pooled = clientFor(
                URI.create("http://127.0.0.1:" + counting.getAddress().getPort() + "/fhir"), LIMIT)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(callers.submit(() -> {
                    int matched = 0;
                    for (int i = 0; i < perThread; i++) {
                        String id = "p" + thread + "-" + i;
                        byte[] body = pooled.get("Patient/" + id, Map.of()).body();
                        if (new String(body, StandardCharsets.UTF_8).contains("\"id\":\"" + id + "\"")) {
                            matched++;
                        }
                    }
                    return matched;
                }));
            }
            int matched = 0;
            for (Future<Integer> result : results) {
                matched += result.get(2, TimeUnit.MINUTES);
            }

            assertThat(matched).isEqualTo(threads * perThread);
            System.out.printf("%d requests from %d threads over %d connections%n", threads * perThread, threads,
                    clientPorts.size());
            assertThat(clientPorts).as("connections used").hasSizeBetween(1, threads);
        } finally {
            callers.shutdownNow();
            counting.stop(0);
            serverThreads.shutdownNow();
        }
    }

    @Test
    void get_afterClose_failsAsUnavailableWithoutCallingUpstream() throws Exception {
        upstream.stubFor(get("/fhir/Patient/p1").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT)));
        assertThat(client.get("Patient/p1", Map.of()).status()).isEqualTo(200);

        client.close();
        client.close();

        assertFailure(() -> client.get("Patient/p1", Map.of()), UpstreamFailure.Kind.UNAVAILABLE);
        upstream.verify(1, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n",
            "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Encoding: gzip\r\n",
            "HTTP/1.1 500 Server Error\r\nContent-Type: application/fhir+json\r\n",
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\nContent-Type: application/fhir+json\r\n"})
    void get_whenARefusedAnswerHasAnEndlessBody_failsWithoutReadingItAndAbandonsTheConnection(String head)
            throws Exception {
        try (EndlessServer endless = new EndlessServer(head, 1024, 5)) {
            UpstreamClient endlessClient = clientFor(URI.create("http://127.0.0.1:" + endless.port() + "/fhir"), LIMIT);

            assertThatThrownBy(() -> endlessClient.get("Patient/p1", Map.of())).isInstanceOf(UpstreamFailure.class)
                    .asInstanceOf(type(UpstreamFailure.class)).extracting(UpstreamFailure::kind)
                    .isNotEqualTo(UpstreamFailure.Kind.TIMEOUT);

            assertThat(endless.connectionClosedByClient()).isTrue();
            endlessClient.close();
        }
    }

    @Test
    void get_whenAnAnswerHasBothContentLengthAndChunkedFraming_failsAsNotFhir() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        String chunked = Integer.toHexString(PATIENT.length()) + "\r\n" + PATIENT + "\r\n0\r\n\r\n";
        assertRawAnswerFails(head + chunked, UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenUpstreamSwitchesProtocols_failsAsMalformedAndReadsNothingAfterIt() throws Exception {
        String answer = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
                + OK_PATIENT;

        assertRawAnswerFails(answer, UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenAnInterimAnswerPrecedesTheAnswer_returnsTheFinalAnswer() throws Exception {
        String answer = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" + OK_PATIENT;

        try (RawServer raw = new RawServer(answer);
                UpstreamClient rawClient = clientFor(URI.create("http://127.0.0.1:" + raw.port() + "/fhir"), LIMIT)) {

            UpstreamResponse response = rawClient.get("Patient/p1", Map.of());

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).asString(StandardCharsets.UTF_8).isEqualTo(PATIENT);
        }
    }

    @Test
    void get_whenGarbagePrecedesAValidAnswer_failsAsNotFhir() throws Exception {
        String answer = "<html>not a status line</html>\r\n" + OK_PATIENT;

        assertRawAnswerFails(answer, UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenAHeaderLineIsEndless_failsAsNotFhir() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nX-Padding: " + "x".repeat(200_000)
                + "\r\nContent-Length: " + PATIENT.length() + "\r\n\r\n" + PATIENT;
        assertRawAnswerFails(answer, UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void get_whenAForwardedHeaderHoldsALineBreak_failsWithoutCallingUpstream() {
        assertFailure(() -> client.get("Patient/p1", Map.of("X-Request-Id", "req-1\r\nAuthorization: Bearer x")),
                UpstreamFailure.Kind.UNEXPECTED_CONTENT);
        upstream.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/fhir", "fhir", "file:///fhir"})
    void constructor_refusesABaseThatIsNotAnHttpUrl(String base) {
        assertThatThrownBy(() -> clientFor(URI.create(base), LIMIT)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- bodies read as they arrive ----

    @Test
    void stream_handsTheBodyToTheReaderAsItArrives() throws Exception {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", FHIR_JSON).withHeader("ETag", "W/\"3\"").withHeader("Server", "Test/1.0")
                .withBody(PATIENT).withChunkedDribbleDelay(5, 50)));

        UpstreamClient.Streamed<String> answer = client.stream("Patient", Map.of(),
                body -> new String(body.readAllBytes(), StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.value()).isEqualTo(PATIENT);
        assertThat(answer.headers()).containsOnlyKeys("etag");
    }

    @Test
    void stream_whenTheAnswerIs4xx_returnsItsStatusWithoutReadingTheBody() throws Exception {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", FHIR_JSON).withBody("{\"resourceType\":\"OperationOutcome\"}")));
        AtomicBoolean read = new AtomicBoolean();

        UpstreamClient.Streamed<String> answer = client.stream("Patient", Map.of(), body -> {
            read.set(true);
            return "read";
        });

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isSuccess()).isFalse();
        assertThat(answer.value()).isNull();
        assertThat(read).isFalse();
    }

    @Test
    void stream_whenTheBodyPassesTheLimit_failsAsTooLarge() {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(largePatient(LIMIT * 4)).withChunkedDribbleDelay(8, 40)));

        assertStreamFailure(() -> client.stream("Patient", Map.of(), InputStream::readAllBytes),
                UpstreamFailure.Kind.TOO_LARGE);
    }

    @Test
    void stream_whenTheDeclaredLengthIsOverTheLimit_failsAsTooLargeWithoutCallingTheReader() {
        byte[] large = largePatient(LIMIT * 2);
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse().withHeader("Content-Type", FHIR_JSON)
                .withHeader("Content-Length", String.valueOf(large.length)).withBody(large)));
        AtomicBoolean read = new AtomicBoolean();

        assertStreamFailure(() -> client.stream("Patient", Map.of(), body -> {
            read.set(true);
            return body.readAllBytes();
        }), UpstreamFailure.Kind.TOO_LARGE);
        assertThat(read).isFalse();
    }

    @Test
    void stream_whenTheReaderLeavesTheBodyUnfinished_failsAsNotFhir() {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT)));

        assertStreamFailure(() -> client.stream("Patient", Map.of(), body -> body.readNBytes(10)),
                UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void stream_whenTheReaderRejectsTheBody_failsAsNotFhir() {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT)));

        assertStreamFailure(() -> client.stream("Patient", Map.of(), body -> {
            throw new IOException("not a Bundle");
        }), UpstreamFailure.Kind.NOT_FHIR);
    }

    @Test
    void stream_aRuntimeExceptionFromTheReader_reachesTheCallerUnchanged() {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT)));
        IllegalStateException refusal = new IllegalStateException("refused half-way");

        assertThatThrownBy(() -> client.stream("Patient", Map.of(), body -> {
            body.readNBytes(5);
            throw refusal;
        })).isSameAs(refusal);
    }

    @Test
    void stream_whenTheBodyIsShorterThanItsContentLength_failsAsNotFhir() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 500\r\n\r\n";
        try (RawServer raw = new RawServer(head + PATIENT.substring(0, 30))) {
            UpstreamClient rawClient = clientFor(URI.create("http://127.0.0.1:" + raw.port() + "/fhir"), LIMIT);

            assertStreamFailure(() -> rawClient.stream("Patient", Map.of(), InputStream::readAllBytes),
                    UpstreamFailure.Kind.NOT_FHIR);
        }
    }

    @Test
    void stream_whenTheBodyTricklesInLongerThanTheTimeout_failsAsTimeout() {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse()
                .withHeader("Content-Type", FHIR_JSON).withBody(PATIENT).withChunkedDribbleDelay(20, 2_000)));
        UpstreamClient impatient = impatientClientFor(URI.create(upstreamUrl() + "/fhir"));

        assertStreamFailure(() -> impatient.stream("Patient", Map.of(), InputStream::readAllBytes),
                UpstreamFailure.Kind.TIMEOUT);
    }

    @Test
    void stream_aRefusedAnswerIsNotHandedToTheReader() {
        upstream.stubFor(get("/fhir/Patient").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html>" + PATIENT + "</html>")));
        AtomicBoolean read = new AtomicBoolean();

        assertStreamFailure(() -> client.stream("Patient", Map.of(), body -> {
            read.set(true);
            return body.readAllBytes();
        }), UpstreamFailure.Kind.NOT_FHIR);
        assertThat(read).isFalse();
    }

    private interface StreamCall {
        UpstreamClient.Streamed<?> run() throws UpstreamFailure;
    }

    private static void assertStreamFailure(StreamCall call, UpstreamFailure.Kind kind) {
        try {
            UpstreamClient.Streamed<?> answer = call.run();
            throw new AssertionError("expected " + kind + " but the answer was " + answer.status());
        } catch (UpstreamFailure failure) {
            assertThat(failure.kind()).as("failure kind (%s)", failure.getMessage()).isEqualTo(kind);
            assertThat(failure.getMessage()).doesNotContain("Smith");
        }
    }

    // ---- helpers ----

    /** A well-formed answer with {@link #PATIENT}, as a raw server sends it. */
    private static final String OK_PATIENT = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: "
            + PATIENT.length() + "\r\n\r\n" + PATIENT;

    /** A raw server sends these bytes as its answer, and the client's read of it fails as the kind given. */
    private static void assertRawAnswerFails(String answer, UpstreamFailure.Kind kind) throws Exception {
        try (RawServer raw = new RawServer(answer);
                UpstreamClient rawClient = clientFor(URI.create("http://127.0.0.1:" + raw.port() + "/fhir"), LIMIT)) {

            assertFailure(() -> rawClient.get("Patient/p1", Map.of()), kind);
        }
    }

    private interface Call {
        UpstreamResponse run() throws UpstreamFailure;
    }

    private static UpstreamFailure assertFailure(Call call, UpstreamFailure.Kind kind) {
        UpstreamResponse response;
        try {
            response = call.run();
        } catch (UpstreamFailure failure) {
            assertThat(failure.kind()).as("failure kind (%s)", failure.getMessage()).isEqualTo(kind);
            return failure;
        }
        throw new AssertionError("expected an UpstreamFailure of kind " + kind + " but got status "
                + response.status());
    }

    private static byte[] largePatient(long size) {
        String prefix = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"text\":{\"status\":\"generated\",\"div\":\"";
        String suffix = "\"}}";
        StringBuilder json = new StringBuilder(prefix);
        while (json.length() < size - suffix.length()) {
            json.append('x');
        }
        return json.append(suffix).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResponse<Void> plainGet(String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(HttpRequest.newBuilder(URI.create(upstreamUrl() + path)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Answers one connection with FHIR JSON headers and then an endless chunked body, one chunk per interval,
     * until a write fails because the client closed the connection (or a generous bound is reached).
     */
    private static final class EndlessServer implements AutoCloseable {

        private static final int MAX_CHUNKS = 2_000;

        private final ServerSocket socket;
        private final ExecutorService writer = Executors.newSingleThreadExecutor();
        private final Future<Boolean> closedByClient;

        EndlessServer(int chunkSize, long intervalMillis) throws IOException {
            this("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\n", chunkSize, intervalMillis);
        }

        /** @param head the status line and headers but Transfer-Encoding, each line ending in CRLF */
        EndlessServer(String head, int chunkSize, long intervalMillis) throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            byte[] chunk = (Integer.toHexString(chunkSize) + "\r\n" + "x".repeat(chunkSize) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            closedByClient = writer.submit(() -> {
                try (Socket connection = socket.accept()) {
                    RawServer.readRequestHead(connection.getInputStream());
                    OutputStream out = connection.getOutputStream();
                    out.write((head + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < MAX_CHUNKS; i++) {
                        out.write(chunk);
                        out.flush();
                        Thread.sleep(intervalMillis);
                    }
                    return false;
                } catch (IOException e) {
                    return true;
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        /** Waits until the server stops writing: true if it stopped because the client had gone. */
        boolean connectionClosedByClient() throws Exception {
            return closedByClient.get(5, TimeUnit.MINUTES);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            socket.close();
            writer.shutdownNow();
            writer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Answers every connection with fixed raw bytes and closes it: for answers no HTTP server would send. */
    private static final class RawServer implements AutoCloseable {

        private final ServerSocket socket;
        private final ExecutorService accepter = Executors.newSingleThreadExecutor();
        private final AtomicInteger connections = new AtomicInteger();

        RawServer(String rawAnswer) throws IOException {
            this(rawAnswer, 0);
        }

        /** Answers each connection only after a pause, one connection at a time. */
        RawServer(String rawAnswer, long delayMillis) throws IOException {
            socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            byte[] answer = rawAnswer.getBytes(StandardCharsets.ISO_8859_1);
            accepter.submit(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        connections.incrementAndGet();
                        readRequestHead(connection.getInputStream());
                        Thread.sleep(delayMillis);
                        OutputStream out = connection.getOutputStream();
                        out.write(answer);
                        out.flush();
                    } catch (IOException e) {
                        // the socket was closed, or the client went away: nothing to answer
                    }
                }
                return null;
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        /** How many connections the server has accepted so far. */
        int connections() {
            return connections.get();
        }

        private static void readRequestHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            int b;
            while (matched < end.length && (b = in.read()) != -1) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            socket.close();
            accepter.shutdownNow();
            accepter.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}

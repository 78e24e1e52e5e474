package org.disclosureguard.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook channel against a real HTTP receiver (WireMock), with the signature checked independently. */
class WebhookChannelTest {

    /** 32 bytes, base64, as a receiver would generate: {@code whsec_} + base64. */
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private WireMockServer receiver;
    private Disclosures.MutableClock clock;
    private WebhookChannel channel;

    @BeforeEach
    void start() {
        receiver = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        receiver.start();
        clock = new Disclosures.MutableClock(Disclosures.T0);
        channel = channel(URI.create("http://127.0.0.1:" + receiver.port() + "/hooks/dg"), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        receiver.stop();
    }

    private WebhookChannel channel(URI url, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        return new WebhookChannel(url, SECRET, http, timeout, clock);
    }

    @Test
    void deliver_postsAStandardWebhooksMessageWhoseSignatureVerifies() throws Exception {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(204)));
        Notice notice = Disclosures.notice("req-w1");

        channel.deliver(notice);

        LoggedRequest request = receiver.findAll(postRequestedFor(urlEqualTo("/hooks/dg"))).get(0);
        String id = request.getHeader("webhook-id");
        String timestamp = request.getHeader("webhook-timestamp");
        String body = request.getBodyAsString();
        assertThat(id).isEqualTo(notice.noticeId());
        assertThat(timestamp).isEqualTo(Long.toString(Disclosures.T0.getEpochSecond()));
        assertThat(request.getHeader("webhook-signature")).isEqualTo("v1," + independentSignature(id, timestamp, body));
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");

        JsonNode message = new ObjectMapper().readTree(body);
        assertThat(message.path("type").asText()).isEqualTo("disclosure.notice");
        assertThat(message.path("data").path("noticeId").asText()).isEqualTo(notice.noticeId());
        assertThat(message.path("data").path("clinician").asText()).isEqualTo("Practitioner/gp-1");
        assertThat(message.path("data").path("patient").path("maskedNhsNumber").asText()).isEqualTo("*** *** 0009");
        for (String canary : Disclosures.CANARIES) {
            assertThat(body).doesNotContainIgnoringCase(canary);
        }
    }

    @Test
    void sign_matchesTheStandardWebhooksReferenceVector() {
        // The example message of the Standard Webhooks reference libraries (same secret as above).
        assertThat(channel.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void ed25519Key_addsAV1aSignatureThatVerifiesWithThePublicKey() throws Exception {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(200)));
        Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
        String whsk = "whsk_" + Base64.getEncoder().encodeToString(privateKey.getEncoded());
        WebhookChannel both = new WebhookChannel(URI.create("http://127.0.0.1:" + receiver.port() + "/hooks/dg"),
                SECRET, whsk, HttpClient.newHttpClient(), Duration.ofSeconds(2), clock);

        both.deliver(Disclosures.notice("req-w8"));

        LoggedRequest request = receiver.getAllServeEvents().get(0).getRequest();
        String[] signatures = request.getHeader("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(signatures[0]).startsWith("v1,");
        assertThat(signatures[1]).startsWith("v1a,");
        byte[] content = (request.getHeader("webhook-id") + "." + request.getHeader("webhook-timestamp") + "."
                + request.getBodyAsString()).getBytes(StandardCharsets.UTF_8);
        String whpk = WebhookChannel.publicKeyFor(whsk);
        assertThat(whpk).startsWith("whpk_");
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(Base64.getDecoder().decode(whpk.substring(5)), 0));
        verifier.update(content, 0, content.length);
        assertThat(verifier.verifySignature(Base64.getDecoder().decode(signatures[1].substring(4)))).isTrue();
        content[content.length - 2] ^= 1;
        verifier.update(content, 0, content.length);
        assertThat(verifier.verifySignature(Base64.getDecoder().decode(signatures[1].substring(4)))).isFalse();
    }

    @Test
    void signature_failsToVerifyWhenTheBodyIsChanged() throws Exception {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(200)));
        channel.deliver(Disclosures.notice("req-w2"));
        LoggedRequest request = receiver.getAllServeEvents().get(0).getRequest();
        String tampered = request.getBodyAsString().replace("Metropolitan Police", "Metropolitan Polite");

        assertThat(request.getHeader("webhook-signature")).isNotEqualTo(
                "v1," + independentSignature(request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                        tampered));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 400, 401, 302})
    void nonSuccessStatus_isAFailure(int status) {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(status)
                .withHeader("Location", "http://127.0.0.1:1/elsewhere")));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-w3")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("answered HTTP " + status);
    }

    @Test
    void timeout_isAFailure() {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        WebhookChannel impatient = channel(URI.create("http://127.0.0.1:" + receiver.port() + "/hooks/dg"),
                Duration.ofMillis(300));

        assertThatThrownBy(() -> impatient.deliver(Disclosures.notice("req-w4")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("did not answer within 300 ms");
    }

    @Test
    void connectionReset_isAFailure() {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-w5")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("unreachable");
    }

    @Test
    void connectionRefused_isAFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        WebhookChannel nobodyHome = channel(URI.create("http://127.0.0.1:" + closedPort + "/hooks/dg"),
                Duration.ofSeconds(2));

        assertThatThrownBy(() -> nobodyHome.deliver(Disclosures.notice("req-w6")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("unreachable")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void receiverDownThenUp_throughTheRelay_deliversOnceWithTheSameWebhookId() throws Exception {
        receiver.stubFor(post("/hooks/dg").inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        receiver.stubFor(post("/hooks/dg").inScenario("outage").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        javax.sql.DataSource dataSource = db.freshDatabase();
        try {
            org.disclosureguard.database.GuardDatabase.migrate(dataSource);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY, List.of("webhook"),
                    clock);
            org.disclosureguard.audit.AuditEntry entry = Disclosures.police("req-w7");
            new org.disclosureguard.audit.JdbcAuditStore(dataSource).append(entry,
                    outbox.writesFor(entry, Disclosures.subjects(entry.patients())));
            NotificationRelay relay = new NotificationRelay(dataSource, List.of(channel), RetryPolicy.DEFAULT, clock,
                    new Random(3), 10, Duration.ofMinutes(2), "g1");

            assertThat(relay.runOnce().retrying()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(1));
            assertThat(relay.runOnce().delivered()).isEqualTo(1);
            clock.advance(Duration.ofHours(2));
            assertThat(relay.runOnce().claimed()).isZero();

            List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlEqualTo("/hooks/dg")));
            assertThat(requests).hasSize(2);
            assertThat(requests).extracting(r -> r.getHeader("webhook-id")).containsOnly(
                    outbox.rowsWithStatus("delivered", 10).get(0).noticeId());
            assertThat(requests.get(0).getHeader("webhook-timestamp"))
                    .isNotEqualTo(requests.get(1).getHeader("webhook-timestamp"));
            receiver.verify(2, postRequestedFor(urlEqualTo("/hooks/dg"))
                    .withHeader("webhook-id", equalTo(requests.get(0).getHeader("webhook-id"))));
        } finally {
            db.close();
        }
    }

    @Test
    void badSecretOrUrl_isRefusedWithoutEchoingTheSecret() {
        HttpClient http = HttpClient.newHttpClient();
        URI url = URI.create("https://hooks.example/dg");
        assertThatThrownBy(() -> new WebhookChannel(url, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", http,
                Duration.ofSeconds(1), clock)).hasMessageContaining("DG-6012").hasMessageNotContaining("MfKQ9r8");
        assertThatThrownBy(() -> new WebhookChannel(url, "whsec_c2hvcnQ=", http, Duration.ofSeconds(1), clock))
                .hasMessageContaining("at least 24 bytes");
        assertThatThrownBy(() -> new WebhookChannel(URI.create("http://hooks.example/dg"), SECRET, http,
                Duration.ofSeconds(1), clock)).hasMessageContaining("DG-6011");
    }


    @Test
    void tooManyRequests_withRetryAfterSeconds_carriesTheWait() {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-ra1")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e).isNotInstanceOf(ReceiverGoneException.class);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
                    assertThat(e.getMessage()).contains("HTTP 429", "Retry-After 120 s");
                });
    }

    @Test
    void serviceUnavailable_withRetryAfterDate_carriesTheWaitUntilThen() {
        java.time.ZonedDateTime then = Disclosures.T0.plusSeconds(300).atZone(java.time.ZoneOffset.UTC)
                .withNano(0);
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(503).withHeader("Retry-After",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(then))));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-ra2")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryAfter())
                        .contains(Duration.between(Disclosures.T0, then.toInstant())));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"429, ''", "429, soon", "503, ''", "500, 60", "502, 60"})
    void retryAfter_missingUnreadableOrOnAnotherStatus_isNotCarried(int status, String header) {
        var response = aResponse().withStatus(status);
        if (!header.isEmpty()) {
            response = response.withHeader("Retry-After", header);
        }
        receiver.stubFor(post("/hooks/dg").willReturn(response));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-ra3")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryAfter()).isEmpty())
                .hasMessageContaining("answered HTTP " + status);
    }

    @Test
    void gone_isAReceiverGoneFailure() {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(410)));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-g1")))
                .isInstanceOf(ReceiverGoneException.class).hasMessageContaining("HTTP 410 Gone");
    }

    @Test
    void redirect_isNotFollowed() {
        receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://127.0.0.1:" + receiver.port() + "/elsewhere")));
        receiver.stubFor(post("/elsewhere").willReturn(aResponse().withStatus(200)));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-r1")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("answered HTTP 307");
        receiver.verify(0, postRequestedFor(urlEqualTo("/elsewhere")));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = HttpClient.Redirect.class, names = {"ALWAYS", "NORMAL"})
    void clientThatFollowsRedirects_isRefused(HttpClient.Redirect redirect) {
        HttpClient follows = HttpClient.newBuilder().followRedirects(redirect).build();

        assertThatThrownBy(() -> new WebhookChannel(URI.create("https://hooks.example/dg"), SECRET, null, follows,
                Duration.ofSeconds(1), clock, List.of("https://hooks.example/dg")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DG-6017");
    }

    @ParameterizedTest(name = "{0} under {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "https://hooks.example/dg, https://hooks.example/dg",
        "https://hooks.example/dg/notices, https://hooks.example/dg",
        "https://hooks.example/dg/notices?x=1, https://hooks.example/dg/",
        "https://HOOKS.example:443/dg, https://hooks.example/dg",
        "https://hooks.example/anything, https://hooks.example",
        "http://127.0.0.1:8099/hook, http://127.0.0.1:8099/",
    })
    void allowList_acceptsAUrlUnderAPrefix(String url, String prefix) {
        new WebhookChannel(URI.create(url), SECRET, null, HttpClient.newHttpClient(), Duration.ofSeconds(1), clock,
                List.of("https://other.example/", prefix));
    }

    @ParameterizedTest(name = "{0} not under {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "https://hooks.example/dg-other, https://hooks.example/dg",
        "https://hooks.example/d, https://hooks.example/dg",
        "https://hooks.example/dg/../admin, https://hooks.example/dg",
        "https://hooks.example:8443/dg, https://hooks.example/dg",
        "http://127.0.0.1/dg, https://127.0.0.1/dg",
        "https://hooks.example.evil.test/dg, https://hooks.example/dg",
        "https://evil.test/dg, https://hooks.example/dg",
        "https://user@hooks.example/dg, https://hooks.example/dg",
        "http://127.0.0.1:8100/hook, http://127.0.0.1:8099/",
    })
    void allowList_refusesAUrlNotUnderAnyPrefix(String url, String prefix) {
        assertThatThrownBy(() -> new WebhookChannel(URI.create(url), SECRET, null, HttpClient.newHttpClient(),
                Duration.ofSeconds(1), clock, List.of(prefix)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DG-6015")
                .hasMessageContaining("guard.notification.webhook.allowed-urls")
                .hasMessageNotContaining("MfKQ9r8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hooks.example/dg", "ftp://hooks.example/", "https://hooks.example/dg?token=1",
        "https://u:p@hooks.example/", "https://hooks.example/#x", "mailto:a@b.example", "https://hooks example/"})
    void allowList_refusesAMalformedEntry(String entry) {
        assertThatThrownBy(() -> new WebhookChannel(URI.create("https://hooks.example/dg"), SECRET, null,
                HttpClient.newHttpClient(), Duration.ofSeconds(1), clock, List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DG-6016");
    }

    @Test
    void allowList_empty_isRefused() {
        assertThatThrownBy(() -> new WebhookChannel(URI.create("https://hooks.example/dg"), SECRET, null,
                HttpClient.newHttpClient(), Duration.ofSeconds(1), clock, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DG-6016")
                .hasMessageContaining("empty");
    }

    /** The relay over H2 with a WireMock receiver: what it does with each answer. */
    @org.junit.jupiter.api.Nested
    class ThroughTheRelay {

        private H2NotificationRelayTest db;
        private javax.sql.DataSource dataSource;
        private NotificationOutbox outbox;
        private ScriptedChannel inbox;
        private RecordingMetrics metrics;
        private NotificationRelay relay;

        @BeforeEach
        void database() throws Exception {
            db = new H2NotificationRelayTest();
            dataSource = db.freshDatabase();
            org.disclosureguard.database.GuardDatabase.migrate(dataSource);
            outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY, List.of("fhir-inbox", "webhook"), clock);
            inbox = new ScriptedChannel("fhir-inbox");
            metrics = new RecordingMetrics();
            relay = relay(channel);
        }

        private NotificationRelay relay(WebhookChannel webhook) {
            return new NotificationRelay(dataSource, List.of(inbox, webhook),
                    new RetryPolicy(10, Duration.ofSeconds(10), Duration.ofMinutes(30)), clock, new Random(5), 10,
                    Duration.ofMinutes(2), "g1", metrics);
        }

        @AfterEach
        void close() throws Exception {
            db.close();
        }

        private long disclose(String requestId) {
            org.disclosureguard.audit.AuditEntry entry = Disclosures.police(requestId);
            return new org.disclosureguard.audit.JdbcAuditStore(dataSource).append(entry,
                    outbox.writesFor(entry, Disclosures.subjects(entry.patients()))).seq();
        }

        private OutboxRow webhookRow(long seq) {
            return outbox.rows(seq).stream().filter(r -> r.channel().equals("webhook")).findFirst().orElseThrow();
        }

        @Test
        void tooManyRequestsWithRetryAfterSeconds_nextAttemptNotBeforeIt() {
            receiver.stubFor(post("/hooks/dg").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600"))
                    .willSetStateTo("free"));
            receiver.stubFor(post("/hooks/dg").inScenario("busy").whenScenarioStateIs("free")
                    .willReturn(aResponse().withStatus(204)));
            long seq = disclose("req-t1");
            long seq2 = disclose("req-t2");

            assertThat(relay.runOnce().retrying()).isEqualTo(1);
            assertThat(webhookRow(seq).nextAttempt()).isEqualTo(clock.instant().plusSeconds(600));
            assertThat(webhookRow(seq).attempts()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(599));
            relay.drain(10);
            receiver.verify(1, postRequestedFor(urlEqualTo("/hooks/dg")));
            assertThat(webhookRow(seq2).attempts()).as("the channel is paused, not only the row").isZero();

            clock.advance(Duration.ofSeconds(1));
            relay.drain(10);
            receiver.verify(3, postRequestedFor(urlEqualTo("/hooks/dg")));
            assertThat(webhookRow(seq).status()).isEqualTo("delivered");
            assertThat(webhookRow(seq2).status()).isEqualTo("delivered");
            assertThat(metrics.count("retried:webhook")).isEqualTo(1);
            assertThat(metrics.count("delivered:webhook")).isEqualTo(2);
        }

        @Test
        void serviceUnavailableWithRetryAfterDate_nextAttemptNotBeforeThatTime() {
            java.time.Instant then = Disclosures.T0.plusSeconds(900).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(503).withHeader("Retry-After",
                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(then.atZone(
                            java.time.ZoneOffset.UTC)))));
            long seq = disclose("req-t3");

            relay.runOnce();

            assertThat(webhookRow(seq).nextAttempt()).isEqualTo(then);
            assertThat(webhookRow(seq).lastError()).contains("HTTP 503", "Retry-After");
        }

        @Test
        void retryAfterBeyondThePolicysCap_waitsOnlyTheCap() {
            receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(429)
                    .withHeader("Retry-After", "86400")));
            long seq = disclose("req-t4");

            relay.runOnce();

            assertThat(webhookRow(seq).nextAttempt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
        }

        @Test
        void gone_disablesTheWebhookWhileTheInboxGoesOn_untilRequeued() {
            receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(410)));
            long seq = disclose("req-t5");
            long seq2 = disclose("req-t6");

            NotificationRelay.BatchResult result = relay.runOnce();
            clock.advance(Duration.ofHours(3));
            relay.drain(10);

            assertThat(result.disabled()).isEqualTo(2);
            receiver.verify(1, postRequestedFor(urlEqualTo("/hooks/dg")));
            assertThat(webhookRow(seq).status()).isEqualTo("disabled");
            assertThat(webhookRow(seq2).status()).isEqualTo("disabled");
            assertThat(webhookRow(seq).lastError()).contains("410 Gone");
            assertThat(inbox.accepted).hasSize(2);
            assertThat(outbox.disabledChannels()).containsKey("webhook");
            assertThat(metrics.count("disabled:webhook")).isEqualTo(1);

            receiver.resetAll();
            receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(200)));
            assertThat(outbox.requeueDisabled("webhook")).isEqualTo(2);
            relay.drain(10);
            receiver.verify(2, postRequestedFor(urlEqualTo("/hooks/dg")));
            assertThat(outbox.health().pending()).isZero();
            assertThat(outbox.health().disabled()).isZero();
        }

        @Test
        void slowResponseBeyondTheTimeout_isRetriedNotDisabled() {
            receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
            WebhookChannel impatient = WebhookChannelTest.this.channel(
                    URI.create("http://127.0.0.1:" + receiver.port() + "/hooks/dg"), Duration.ofMillis(300));
            long seq = disclose("req-t7");

            NotificationRelay.BatchResult result = relay(impatient).runOnce();

            assertThat(result.retrying()).isEqualTo(1);
            assertThat(result.disabled()).isZero();
            OutboxRow row = webhookRow(seq);
            assertThat(row.status()).isEqualTo("pending");
            assertThat(row.lastError()).contains("did not answer within 300 ms");
            assertThat(Duration.between(clock.instant(), row.nextAttempt()).toMillis()).isBetween(5_000L, 10_000L);
            assertThat(outbox.disabledChannels()).isEmpty();
        }
    }

    /** HMAC-SHA256 per the Standard Webhooks spec, computed here without the channel's code. */
    private static String independentSignature(String id, String timestamp, String body) throws Exception {
        byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }
}

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

    /** HMAC-SHA256 per the Standard Webhooks spec, computed here without the channel's code. */
    private static String independentSignature(String id, String timestamp, String body) throws Exception {
        byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }
}

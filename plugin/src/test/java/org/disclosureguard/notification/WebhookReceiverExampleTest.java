package org.disclosureguard.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The receiver-side check printed in {@code docs/notifications.md} ("Verifying a webhook"), run against the Standard
 * Webhooks reference vector and against a real message from {@link WebhookChannel}, so the documented code is known
 * to work.
 */
class WebhookReceiverExampleTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    // --- as in docs/notifications.md ---
    static boolean verify(String secret, String id, String timestamp, String signatureHeader, byte[] rawBody,
                          long nowEpochSeconds) throws Exception {
        if (Math.abs(nowEpochSeconds - Long.parseLong(timestamp)) > 300) {
            return false; // older (or newer) than 5 minutes: a replay
        }
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(rawBody);
        for (String candidate : signatureHeader.split(" ")) {
            if (candidate.startsWith("v1,") && MessageDigest.isEqual(expected,
                    Base64.getDecoder().decode(candidate.substring(3)))) {
                return true;
            }
        }
        return false;
    }
    // --- end ---

    @Test
    void documentedCheck_acceptsTheReferenceVector_andRefusesAChangedBodyOrAnOldTimestamp() throws Exception {
        String signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

        assertThat(verify(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", signature, body, 1614265330L))
                .isTrue();
        assertThat(verify(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", signature,
                "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), 1614265330L)).isFalse();
        assertThat(verify(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", signature, body,
                1614265330L + 600)).isFalse();
    }

    @Test
    void documentedCheck_acceptsARealMessageFromTheGuard() throws Exception {
        WireMockServer receiver = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        receiver.start();
        try {
            receiver.stubFor(post("/hooks/dg").willReturn(aResponse().withStatus(204)));
            Disclosures.MutableClock clock = new Disclosures.MutableClock(Disclosures.T0);
            new WebhookChannel(URI.create("http://127.0.0.1:" + receiver.port() + "/hooks/dg"), SECRET, null,
                    HttpClient.newHttpClient(), Duration.ofSeconds(2), clock,
                    List.of("http://127.0.0.1:" + receiver.port() + "/hooks/")).deliver(Disclosures.notice("req-x1"));

            LoggedRequest request = receiver.getAllServeEvents().get(0).getRequest();
            assertThat(verify(SECRET, request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                    request.getHeader("webhook-signature"), request.getBody(), Disclosures.T0.getEpochSecond() + 2))
                    .isTrue();
        } finally {
            receiver.stop();
        }
    }
}

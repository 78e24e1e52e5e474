package org.disclosureguard.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FHIR inbox channel against a practice server (WireMock) that is overloaded: its {@code Retry-After} on 429 and
 * 503 is carried and honoured by the relay; a 410 from the practice's own server is an ordinary failure.
 */
class FhirInboxRetryAfterTest {

    private WireMockServer server;
    private Disclosures.MutableClock clock;
    private FhirInboxChannel channel;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        clock = new Disclosures.MutableClock(Disclosures.T0);
        channel = new FhirInboxChannel(URI.create("http://127.0.0.1:" + server.port() + "/fhir"),
                HttpClient.newHttpClient(), Duration.ofSeconds(2), clock, "Disclosure Guard", Map.of());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void tooManyRequestsWithSeconds_carriesTheWait() {
        server.stubFor(post("/fhir/Communication").willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "45")));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-f1")))
                .isInstanceOfSatisfying(DeliveryException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(45)))
                .hasMessageContaining("HTTP 429");
    }

    @Test
    void serviceUnavailableWithADate_throughTheRelay_nextAttemptNotBeforeIt() throws Exception {
        Instant then = Disclosures.T0.plus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        server.stubFor(post("/fhir/Communication").willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(then.atZone(ZoneOffset.UTC)))
                .withBody("down for maintenance")));
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        DataSource dataSource = db.freshDatabase();
        try {
            GuardDatabase.migrate(dataSource);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY,
                    List.of(FhirInboxChannel.NAME), clock);
            AuditEntry entry = Disclosures.police("req-f2");
            long seq = new JdbcAuditStore(dataSource).append(entry,
                    outbox.writesFor(entry, Disclosures.subjects(entry.patients()))).seq();
            NotificationRelay relay = new NotificationRelay(dataSource, List.of(channel), RetryPolicy.DEFAULT, clock,
                    new Random(3), 10, Duration.ofMinutes(2), "g1");

            assertThat(relay.runOnce().retrying()).isEqualTo(1);

            OutboxRow row = outbox.rows(seq).get(0);
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.nextAttempt()).isEqualTo(then);
            assertThat(row.lastError()).contains("HTTP 503", "Retry-After");
        } finally {
            db.close();
        }
    }

    @Test
    void goneFromThePracticeServer_isAnOrdinaryFailure() {
        server.stubFor(post("/fhir/Communication").willReturn(aResponse().withStatus(410)));

        assertThatThrownBy(() -> channel.deliver(Disclosures.notice("req-f3")))
                .isInstanceOf(DeliveryException.class).isNotInstanceOf(ReceiverGoneException.class)
                .hasMessageContaining("HTTP 410");
    }
}

package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.testsupport.PracticeServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FHIR inbox channel against the real practice server (HAPI FHIR JPA): the Communication lands, names the
 * patient and the registered clinician, carries no disclosed data, and a retry does not create a second one.
 */
class FhirInboxChannelIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATIENT = "dg-notify-pat-1";
    private static final String GP = "Practitioner/dg-notify-gp-1";
    private static final String PATIENT_2 = "dg-notify-pat-2";

    private static URI base;

    @BeforeAll
    static void practiceServer() throws Exception {
        base = PracticeServer.shared().baseUrl();
        put("Practitioner/dg-notify-gp-1", "{\"resourceType\":\"Practitioner\",\"id\":\"dg-notify-gp-1\","
                + "\"name\":[{\"family\":\"Okafor\",\"prefix\":[\"Dr\"]}]}");
        put("Patient/" + PATIENT, "{\"resourceType\":\"Patient\",\"id\":\"" + PATIENT + "\","
                + "\"generalPractitioner\":[{\"reference\":\"" + GP + "\"}]}");
        put("Patient/" + PATIENT_2, "{\"resourceType\":\"Patient\",\"id\":\"" + PATIENT_2 + "\","
                + "\"generalPractitioner\":[{\"reference\":\"" + GP + "\"}]}");
    }

    private FhirInboxChannel channel(URI to) {
        return new FhirInboxChannel(to, HTTP, Duration.ofSeconds(20), new Disclosures.MutableClock(Disclosures.T0),
                "Disclosure Guard", Map.of());
    }

    private static Notice notice(String requestId) {
        AuditEntry entry = Disclosures.police(requestId, List.of(PATIENT));
        return Disclosures.FACTORY.notices(entry, 3, List.of(NoticeSubject.of(PATIENT, GP, "9000000009"))).get(0);
    }

    @Test
    void deliver_createsOneCommunicationAndARetryDoesNotDuplicateIt() throws Exception {
        Notice notice = notice("req-" + UUID.randomUUID());
        FhirInboxChannel channel = channel(base);

        channel.deliver(notice);
        channel.deliver(notice);

        JsonNode bundle = search(notice.noticeId());
        assertThat(bundle.path("total").asInt()).isEqualTo(1);
        JsonNode communication = bundle.path("entry").get(0).path("resource");
        assertThat(communication.path("status").asText()).isEqualTo("completed");
        assertThat(communication.path("category").get(0).path("coding").get(0).path("code").asText())
                .isEqualTo("notification");
        assertThat(communication.path("subject").path("reference").asText()).isEqualTo("Patient/" + PATIENT);
        assertThat(communication.path("recipient").get(0).path("reference").asText()).isEqualTo(GP);
        assertThat(communication.path("sender").path("display").asText()).isEqualTo("Disclosure Guard");
        assertThat(communication.path("sent").asText()).startsWith("2026-11-23T09:30:00");
        String text = communication.path("payload").get(0).path("contentString").asText();
        assertThat(text).contains("Metropolitan Police (police)", "*** *** 0009",
                "Legal basis cited: prevention or detection of serious crime [SERIOUS-CRIME]");
        String whole = communication.toString();
        for (String canary : Disclosures.CANARIES) {
            assertThat(whole).doesNotContainIgnoringCase(canary);
        }
        assertThat(whole).doesNotContain("9000000009");
    }

    @Test
    void practiceServerDownThenUp_throughTheRelayAcrossARestart_landsExactlyOnce() throws Exception {
        Notice expected = notice("req-relay-" + UUID.randomUUID());
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        DataSource dataSource = db.freshDatabase();
        try {
            GuardDatabase.migrate(dataSource);
            Disclosures.MutableClock clock = new Disclosures.MutableClock(Disclosures.T0);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY,
                    List.of(FhirInboxChannel.NAME), clock);
            AuditEntry entry = Disclosures.police(expected.requestId(), List.of(PATIENT));
            long seq = new JdbcAuditStore(dataSource).append(entry,
                    outbox.writesFor(entry, List.of(NoticeSubject.of(PATIENT, GP, "9000000009")))).seq();
            String noticeId = outbox.rows(seq).get(0).noticeId();

            NotificationRelay whileDown = new NotificationRelay(dataSource,
                    List.of(channel(URI.create("http://127.0.0.1:" + closedPort() + "/fhir"))), RetryPolicy.DEFAULT,
                    clock, new Random(1), 10, Duration.ofMinutes(2), "g1");
            assertThat(whileDown.runOnce().retrying()).isEqualTo(1);
            whileDown.close();

            clock.advance(Duration.ofMinutes(1));
            NotificationRelay afterRestart = new NotificationRelay(dataSource, List.of(channel(base)),
                    RetryPolicy.DEFAULT, clock, new Random(2), 10, Duration.ofMinutes(2), "g1");
            assertThat(afterRestart.runOnce().delivered()).isEqualTo(1);
            // The answer was lost and an operator requeues: the conditional create still finds the first one.
            channel(base).deliver(NoticeJson.read(outbox.rows(seq).get(0).noticeJson()));

            assertThat(search(noticeId).path("total").asInt()).isEqualTo(1);
        } finally {
            db.close();
        }
    }

    @Test
    void dailyDigest_landsAsOneCommunicationForTheClinician_andARetryDoesNotDuplicateIt() throws Exception {
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        DataSource dataSource = db.freshDatabase();
        try {
            GuardDatabase.migrate(dataSource);
            Disclosures.MutableClock clock = new Disclosures.MutableClock(Disclosures.T0);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY,
                    List.of(FhirInboxChannel.NAME), clock);
            JdbcAuditStore audit = new JdbcAuditStore(dataSource);
            AuditEntry disclosure = Disclosures.police("req-digest-" + UUID.randomUUID(), List.of(PATIENT, PATIENT_2));
            audit.append(disclosure, outbox.writesFor(disclosure, List.of(NoticeSubject.of(PATIENT, GP, "9000000009"),
                    NoticeSubject.of(PATIENT_2, GP, "9000000017"))));
            AuditEntry held = RestrictedRecordNoticeTest.immigration("req-held-" + UUID.randomUUID(),
                    org.disclosureguard.audit.AuditOutcome.ESCALATE, List.of(PATIENT), false);
            audit.append(held, outbox.writesFor(held, List.of(NoticeSubject.of(PATIENT, GP, "9000000009")), true));
            clock.set(java.time.Instant.parse("2026-11-24T07:00:00Z"));
            List<Digest> sent = new java.util.ArrayList<>();
            FhirInboxChannel inbox = channel(base);
            DigestChannel recording = new DigestChannel() {
                @Override
                public String name() {
                    return inbox.name();
                }

                @Override
                public String recipientOf(Notice notice) {
                    return inbox.recipientOf(notice);
                }

                @Override
                public void deliverDigest(Digest digest) throws DeliveryException {
                    inbox.deliverDigest(digest);
                    sent.add(digest);
                }
            };
            DigestSender sender = new DigestSender(dataSource, recording, DigestSenderContract.SEVEN_LONDON,
                    RetryPolicy.DEFAULT, clock, new Random(4), 1000, Duration.ofMinutes(2), "g1",
                    NotificationMetrics.NONE);

            assertThat(sender.runOnce().delivered()).isEqualTo(3);
            assertThat(sent).hasSize(1);
            inbox.deliverDigest(sent.get(0));

            String query = URLEncoder.encode(FhirInboxChannel.DIGEST_IDENTIFIER_SYSTEM + "|"
                    + sent.get(0).digestId(), StandardCharsets.UTF_8);
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create(base + "/Communication?_total=accurate&identifier=" + query))
                    .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode bundle = JSON.readTree(response.body());
            assertThat(bundle.path("total").asInt()).as("a retry finds the first").isEqualTo(1);
            JsonNode communication = bundle.path("entry").get(0).path("resource");
            assertThat(communication.path("recipient").get(0).path("reference").asText()).isEqualTo(GP);
            assertThat(communication.path("about").findValuesAsText("reference"))
                    .containsExactlyInAnyOrder("Patient/" + PATIENT, "Patient/" + PATIENT_2);
            String text = communication.path("payload").get(0).path("contentString").asText();
            assertThat(text).contains("3 notices", "Patient/" + PATIENT + " (NHS number *** *** 0009)",
                    "Patient/" + PATIENT_2 + " (NHS number *** *** 0017)",
                    "Request for a restricted record held for review", "Nothing was released.");
            for (String canary : Disclosures.CANARIES) {
                assertThat(communication.toString()).doesNotContainIgnoringCase(canary);
            }
        } finally {
            db.close();
        }
    }

    @Test
    void clinicianUnknownToTheServer_isAClearFailure() {
        AuditEntry entry = Disclosures.police("req-" + UUID.randomUUID(), List.of(PATIENT));
        Notice notice = Disclosures.FACTORY.notices(entry, 4,
                List.of(NoticeSubject.of(PATIENT, "Practitioner/dg-no-such-gp", null))).get(0);

        assertThatThrownBy(() -> channel(base).deliver(notice))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("fhir-inbox: " + base + "/Communication answered HTTP 4");
    }

    private static JsonNode search(String noticeId) throws Exception {
        String query = URLEncoder.encode(FhirInboxChannel.IDENTIFIER_SYSTEM + "|" + noticeId, StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(base + "/Communication?_total=accurate&identifier=" + query))
                .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void put(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + path))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

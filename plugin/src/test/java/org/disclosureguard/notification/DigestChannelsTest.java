package org.disclosureguard.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.testsupport.TestDatabases;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real digest channels end to end on an H2 file database: the FHIR inbox against a practice server stand-in
 * (WireMock) and e-mail against a real SMTP server (GreenMail), each driven by a {@link DigestSender}.
 */
class DigestChannelsTest {

    private static final Instant TUESDAY_SEVEN = Instant.parse("2026-11-24T07:00:00Z");

    private TestDatabases.H2Database database;
    private Disclosures.MutableClock clock;
    private NotificationOutbox outbox;
    private JdbcAuditStore audit;
    private WireMockServer fhirServer;
    private GreenMail smtp;

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabases.freshH2(Path.of("target", "notification-digest-channels-h2"));
        GuardDatabase.migrate(database.dataSource());
        clock = new Disclosures.MutableClock(Disclosures.T0);
        audit = new JdbcAuditStore(database.dataSource());
        outbox = new NotificationOutbox(database.dataSource(), Disclosures.FACTORY,
                List.of(FhirInboxChannel.NAME, EmailChannel.NAME), clock);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fhirServer != null) {
            fhirServer.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
        database.close();
    }

    /** Three notices: pat-1 and pat-2 registered with gp-1, pat-3 with gp-2. */
    private void threeNotices() {
        AuditEntry one = Disclosures.police("req-d1", List.of("pat-1", "pat-3"));
        audit.append(one, outbox.writesFor(one, List.of(NoticeSubject.of("pat-1", "Practitioner/gp-1", "9000000009"),
                NoticeSubject.of("pat-3", "Practitioner/gp-2", "9000000017"))));
        AuditEntry two = Disclosures.police("req-d2", List.of("pat-2"));
        audit.append(two, outbox.writesFor(two, List.of(NoticeSubject.of("pat-2", "Practitioner/gp-1",
                "9000000025"))));
    }

    private DigestSender sender(DigestChannel channel) {
        return new DigestSender(database.dataSource(), channel, DigestSenderContract.SEVEN_LONDON, RetryPolicy.DEFAULT,
                clock, new Random(5), 1000, Duration.ofMinutes(2), "guard-1", NotificationMetrics.NONE);
    }

    @Test
    void fhirInboxDigest_isOneConditionalCommunicationPerClinician() {
        fhirServer = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        fhirServer.start();
        fhirServer.stubFor(post("/fhir/Communication").willReturn(aResponse().withStatus(201)));
        FhirInboxChannel inbox = new FhirInboxChannel(URI.create("http://127.0.0.1:" + fhirServer.port() + "/fhir"),
                HttpClient.newHttpClient(), Duration.ofSeconds(5), clock, "Disclosure Guard", Map.of());
        threeNotices();
        clock.set(TUESDAY_SEVEN);

        DigestSender.DigestResult result = sender(inbox).runOnce();

        assertThat(result.digests()).isEqualTo(2);
        List<LoggedRequest> posts = fhirServer.findAll(postRequestedFor(urlEqualTo("/fhir/Communication")));
        assertThat(posts).hasSize(2);
        FhirContext fhir = FhirContext.forR4Cached();
        Map<String, Communication> byRecipient = new java.util.HashMap<>();
        for (LoggedRequest request : posts) {
            Communication c = fhir.newJsonParser().parseResource(Communication.class, request.getBodyAsString());
            assertThat(c.getIdentifierFirstRep().getSystem()).isEqualTo(FhirInboxChannel.DIGEST_IDENTIFIER_SYSTEM);
            assertThat(URLDecoder.decode(request.getHeader("If-None-Exist"), StandardCharsets.UTF_8))
                    .isEqualTo("identifier=" + FhirInboxChannel.DIGEST_IDENTIFIER_SYSTEM + "|"
                            + c.getIdentifierFirstRep().getValue());
            byRecipient.put(c.getRecipientFirstRep().getReference(), c);
            String body = c.getPayloadFirstRep().getContentStringType().getValue();
            for (String canary : Disclosures.CANARIES) {
                assertThat(request.getBodyAsString()).doesNotContain(canary);
            }
            assertThat(body).contains("Metropolitan Police (police)", "23 November 2026 at 09:30 GMT",
                    "prevention or detection of crime", "https://gp.example/guard/disclosures/");
            assertThat(request.getBodyAsString()).doesNotContain("9000000009", "9000000017", "9000000025");
        }
        assertThat(byRecipient).containsOnlyKeys("Practitioner/gp-1", "Practitioner/gp-2");
        Communication gp1 = byRecipient.get("Practitioner/gp-1");
        assertThat(gp1.getAbout()).extracting(Reference::getReference)
                .containsExactlyInAnyOrder("Patient/pat-1", "Patient/pat-2");
        assertThat(gp1.hasSubject()).as("two patients: no single subject").isFalse();
        assertThat(gp1.getTopic().getText()).isEqualTo("Daily digest, 24 November 2026: 2 notices about your "
                + "patients' records");
        assertThat(gp1.getPayloadFirstRep().getContentStringType().getValue())
                .contains("Patient/pat-1 (NHS number *** *** 0009)", "Patient/pat-2 (NHS number *** *** 0025)")
                .doesNotContain("pat-3");
        Communication gp2 = byRecipient.get("Practitioner/gp-2");
        assertThat(gp2.getSubject().getReference()).isEqualTo("Patient/pat-3");
        assertThat(gp2.getPayloadFirstRep().getContentStringType().getValue())
                .contains("Patient/pat-3 (NHS number *** *** 0017)");
        assertThat(outbox.rowsWithStatus("delivered", 10)).hasSize(3);
    }

    @Test
    void fhirInboxDigest_refusedByTheServer_staysPending() {
        fhirServer = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        fhirServer.start();
        fhirServer.stubFor(post("/fhir/Communication").willReturn(aResponse().withStatus(500)));
        FhirInboxChannel inbox = new FhirInboxChannel(URI.create("http://127.0.0.1:" + fhirServer.port() + "/fhir"),
                HttpClient.newHttpClient(), Duration.ofSeconds(5), clock, "Disclosure Guard", Map.of());
        threeNotices();
        clock.set(TUESDAY_SEVEN);

        DigestSender.DigestResult result = sender(inbox).runOnce();

        assertThat(result.digests()).isZero();
        assertThat(fhirServer.findAll(postRequestedFor(urlEqualTo("/fhir/Communication")))).hasSize(1);
        assertThat(outbox.rowsWithStatus("pending", 10).stream().filter(r -> r.channel().equals("fhir-inbox")))
                .hasSize(3);
    }

    @Test
    void emailDigest_isOneMessageToThePracticeListingEveryNotice() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        EmailChannel email = new EmailChannel(new EmailChannel.EmailSettings("127.0.0.1", port, false, null, null,
                "guard@gp.example", List.of("practice-manager@gp.example"), Duration.ofSeconds(3)), clock);
        threeNotices();
        clock.set(TUESDAY_SEVEN);

        DigestSender.DigestResult result = sender(email).runOnce();

        assertThat(result.digests()).isEqualTo(1);
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage message = received[0];
        assertThat(message.getSubject()).isEqualTo("Daily digest, 24 November 2026: 3 notices about your patients' "
                + "records");
        String digestId = message.getHeader("X-DG-Digest-Id")[0];
        assertThat(message.getMessageID()).isEqualTo("<" + digestId + "@disclosureguard>");
        String body = GreenMailUtil.getBody(message).replace("=\r\n", "").replace("\r\n", "\n");
        for (String patient : List.of("Patient/pat-1", "Patient/pat-2", "Patient/pat-3")) {
            assertThat(body.split(java.util.regex.Pattern.quote(patient + " "), -1)).as(patient).hasSize(2);
        }
        assertThat(body).contains("registered with Practitioner/gp-1", "registered with Practitioner/gp-2");
        String raw = GreenMailUtil.getWholeMessage(message);
        for (String canary : Disclosures.CANARIES) {
            assertThat(raw).doesNotContainIgnoringCase(canary);
        }
        assertThat(outbox.rowsWithStatus("delivered", 10)).hasSize(3)
                .allSatisfy(r -> assertThat(r.channel()).isEqualTo("email"));
    }
}

package org.disclosureguard.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
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
 * E-mail to the registered clinician when the clinician cannot be reached by e-mail: an organisation on record falls
 * back to the practice's addresses and says so, the Caldicott Guardian gets a copy, and a practice FHIR server that
 * is down (WireMock answering 503) makes the relay try again later rather than send to the wrong place. The
 * clinician's own address, read from the real practice server, is in {@code ClinicianContactsIT}.
 */
class ClinicianEmailTest {

    private static final List<String> PRACTICE = List.of("practice-manager@gp.example", "duty-gp@gp.example");
    private static final String GUARDIAN = "caldicott@gp.example";

    private GreenMail smtp;
    private WireMockServer fhir;
    private Disclosures.MutableClock clock;
    private int smtpPort;

    @BeforeEach
    void setUp() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = socket.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        fhir = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        fhir.start();
        clock = new Disclosures.MutableClock(Disclosures.T0);
    }

    @AfterEach
    void tearDown() {
        smtp.stop();
        fhir.stop();
    }

    private EmailChannel channel(boolean clinician, List<String> guardian) {
        ClinicianContacts contacts = new ClinicianContacts(URI.create("http://127.0.0.1:" + fhir.port() + "/fhir"),
                HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), Duration.ofSeconds(2),
                Map.of(), Duration.ofMinutes(5), 100, clock, Ticker.systemTicker());
        return new EmailChannel(new EmailChannel.EmailSettings("127.0.0.1", smtpPort, false, null, null,
                "guard@gp.example", PRACTICE, Duration.ofSeconds(3)), clock, clinician ? contacts : null, guardian);
    }

    private static Notice notice(String requestId, String clinician) {
        AuditEntry entry = Disclosures.police(requestId);
        return Disclosures.FACTORY.notices(entry, 21, List.of(NoticeSubject.of("pat-1", clinician, "9000000009")))
                .get(0);
    }

    private static List<String> to(MimeMessage message) throws Exception {
        return Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
    }

    private static List<String> cc(MimeMessage message) throws Exception {
        var cc = message.getRecipients(Message.RecipientType.CC);
        return cc == null ? List.of() : Arrays.stream(cc).map(Object::toString).toList();
    }

    @Test
    void anOrganisationOnRecord_goesToThePractice_sayingWhy_withACopyForTheGuardian() throws Exception {
        channel(true, List.of(GUARDIAN)).deliver(notice("req-e1", "Organization/Y12345"));

        MimeMessage message = smtp.getReceivedMessages()[0];
        assertThat(to(message)).containsExactlyElementsOf(PRACTICE);
        assertThat(cc(message)).containsExactly(GUARDIAN);
        assertThat(GreenMailUtil.getBody(message)).startsWith("Sent to the practice's addresses, not to the "
                + "registered clinician: the patient is registered with Organization/Y12345, an organisation, not a "
                + "named clinician.").contains("Data about your patient Patient/pat-1");
        assertThat(fhir.getAllServeEvents()).as("no organisation is looked up").isEmpty();
    }

    @Test
    void withoutClinicianLookUp_everythingGoesToThePractice_withoutANote() throws Exception {
        EmailChannel channel = channel(false, List.of());
        Notice notice = notice("req-e2", "Practitioner/gp-1");

        channel.deliver(notice);

        MimeMessage message = smtp.getReceivedMessages()[0];
        assertThat(to(message)).containsExactlyElementsOf(PRACTICE);
        assertThat(cc(message)).isEmpty();
        assertThat(GreenMailUtil.getBody(message)).startsWith("Data about your patient");
        assertThat(channel.recipientOf(notice)).isEmpty();
        assertThat(channel(true, List.of()).recipientOf(notice)).isEqualTo("Practitioner/gp-1");
        assertThat(fhir.getAllServeEvents()).isEmpty();
    }

    @Test
    void practiceServerDown_throughTheRelay_sendsNothingAndRetries_thenAGoneClinicianFallsBack() throws Exception {
        fhir.stubFor(get(urlPathMatching("/fhir/Practitioner/.*")).willReturn(aResponse().withStatus(503)));
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        DataSource dataSource = db.freshDatabase();
        try {
            GuardDatabase.migrate(dataSource);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY,
                    List.of(EmailChannel.NAME), clock);
            AuditEntry entry = Disclosures.police("req-e3");
            new JdbcAuditStore(dataSource).append(entry,
                    outbox.writesFor(entry, Disclosures.subjects(entry.patients())));
            NotificationRelay relay = new NotificationRelay(dataSource, List.of(channel(true, List.of(GUARDIAN))),
                    RetryPolicy.DEFAULT, clock, new Random(5), 10, Duration.ofMinutes(2), "g1");

            assertThat(relay.runOnce().retrying()).isEqualTo(1);
            assertThat(outbox.rowsWithStatus(NotificationOutbox.PENDING, 10).get(0).lastError())
                    .contains("practice FHIR server answered HTTP 503").contains("Practitioner/gp-1");
            assertThat(smtp.getReceivedMessages()).isEmpty();

            fhir.resetAll();
            fhir.stubFor(get(urlPathMatching("/fhir/Practitioner/.*")).willReturn(aResponse().withStatus(410)));
            clock.advance(Duration.ofMinutes(1));
            assertThat(relay.runOnce().delivered()).isEqualTo(1);

            MimeMessage message = smtp.getReceivedMessages()[0];
            assertThat(to(message)).containsExactlyElementsOf(PRACTICE);
            assertThat(cc(message)).containsExactly(GUARDIAN);
            assertThat(GreenMailUtil.getBody(message)).startsWith("Sent to the practice's addresses, not to the "
                    + "registered clinician: Practitioner/gp-1 is not on the practice's FHIR server.");
        } finally {
            db.close();
        }
    }

    @Test
    void aMalformedGuardianMailbox_isRefused() {
        assertThatThrownBy(() -> channel(true, List.of("not an address"))).hasMessageContaining("DG-6013");
    }
}

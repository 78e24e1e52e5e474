package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.testsupport.PracticeServer;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registered clinician's e-mail address read from the real practice server (HAPI FHIR JPA): a Practitioner's
 * current work address (not its old one), a PractitionerRole's own address or else its practitioner's, a clinician
 * with no address or not on the server falling back; the cache; and the e-mail channel sending each notice, and each
 * clinician's daily digest, to that clinician (GreenMail), with a copy for the Caldicott Guardian.
 */
class ClinicianContactsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final List<String> PRACTICE = List.of("practice-manager@gp.example");
    private static final String GUARDIAN = "caldicott@gp.example";

    private static URI base;

    private final AtomicLong nanos = new AtomicLong();
    private GreenMail smtp;
    private int smtpPort;
    private Disclosures.MutableClock clock;

    @BeforeAll
    static void practiceServer() throws Exception {
        base = PracticeServer.shared().baseUrl();
        put("Practitioner/dg-mail-gp-1", """
                {"resourceType":"Practitioner","id":"dg-mail-gp-1","name":[{"family":"Okafor","prefix":["Dr"]}],
                 "telecom":[{"system":"email","value":"old.okafor@gp.example","use":"work",
                             "period":{"end":"2025-01-31"}},
                            {"system":"email","value":"ada.okafor@home.example","use":"home"},
                            {"system":"phone","value":"0113 496 0000","use":"work"},
                            {"system":"email","value":"dr.okafor@gp.example","use":"work"}]}""");
        put("Practitioner/dg-mail-gp-2", """
                {"resourceType":"Practitioner","id":"dg-mail-gp-2","name":[{"family":"Phone","prefix":["Dr"]}],
                 "telecom":[{"system":"phone","value":"0113 496 0001","use":"work"}]}""");
        put("Practitioner/dg-mail-gp-3", """
                {"resourceType":"Practitioner","id":"dg-mail-gp-3","name":[{"family":"Ahmed","prefix":["Dr"]}],
                 "telecom":[{"system":"email","value":"dr.ahmed@gp.example"}]}""");
        put("PractitionerRole/dg-mail-role-1", """
                {"resourceType":"PractitionerRole","id":"dg-mail-role-1",
                 "practitioner":{"reference":"Practitioner/dg-mail-gp-1"},
                 "telecom":[{"system":"phone","value":"0113 496 0002"}]}""");
        put("PractitionerRole/dg-mail-role-2", """
                {"resourceType":"PractitionerRole","id":"dg-mail-role-2",
                 "practitioner":{"reference":"Practitioner/dg-mail-gp-2"},
                 "telecom":[{"system":"email","value":"duty.gp@gp.example","use":"work"}]}""");
    }

    @BeforeEach
    void setUp() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = socket.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        clock = new Disclosures.MutableClock(Disclosures.T0);
    }

    @AfterEach
    void tearDown() {
        smtp.stop();
    }

    private ClinicianContacts contacts() {
        return new ClinicianContacts(base, NO_REDIRECTS, Duration.ofSeconds(20), Map.of(), Duration.ofMinutes(5), 100,
                clock, nanos::get);
    }

    private EmailChannel channel(ClinicianContacts contacts) {
        return new EmailChannel(new EmailChannel.EmailSettings("127.0.0.1", smtpPort, false, null, null,
                "guard@gp.example", PRACTICE, Duration.ofSeconds(5)), clock, contacts, List.of(GUARDIAN));
    }

    @Test
    void aPractitioner_givesItsCurrentWorkAddress_notItsOldOrHomeOne() throws Exception {
        assertThat(contacts().lookUp("Practitioner/dg-mail-gp-1").address()).isEqualTo("dr.okafor@gp.example");
    }

    @Test
    void aPractitionerRole_givesItsOwnAddress_elseItsPractitioners() throws Exception {
        ClinicianContacts contacts = contacts();

        assertThat(contacts.lookUp("PractitionerRole/dg-mail-role-2").address()).isEqualTo("duty.gp@gp.example");
        assertThat(contacts.lookUp("PractitionerRole/dg-mail-role-1").address()).isEqualTo("dr.okafor@gp.example");
    }

    @Test
    void aClinicianWithoutAnAddress_orNotOnTheServer_fallsBack_withTheReason() throws Exception {
        ClinicianContacts contacts = contacts();

        ClinicianContacts.Contact noAddress = contacts.lookUp("Practitioner/dg-mail-gp-2");
        ClinicianContacts.Contact unknown = contacts.lookUp("Practitioner/dg-mail-nobody");

        assertThat(noAddress.found()).isFalse();
        assertThat(noAddress.reason()).isEqualTo("Practitioner/dg-mail-gp-2 has no current e-mail address");
        assertThat(unknown.found()).isFalse();
        assertThat(unknown.reason()).isEqualTo("Practitioner/dg-mail-nobody is not on the practice's FHIR server");
    }

    @Test
    void theSyntheticGps_haveTheirWorkAddressOnTheServer() throws Exception {
        Practitioner gp = PracticeServer.shared().syntheticData().practitioners().get(0);
        String expected = gp.getTelecom().stream()
                .filter(c -> c.getSystem() == ContactPoint.ContactPointSystem.EMAIL).findFirst().orElseThrow()
                .getValue();

        assertThat(contacts().lookUp("Practitioner/" + gp.getIdPart()).address()).isEqualTo(expected);
    }

    @Test
    void aLookedUpAddress_isCachedForItsTtl_thenReadAgain() throws Exception {
        ClinicianContacts contacts = contacts();
        put("Practitioner/dg-mail-gp-4", """
                {"resourceType":"Practitioner","id":"dg-mail-gp-4",
                 "telecom":[{"system":"email","value":"first@gp.example","use":"work"}]}""");

        String first = contacts.lookUp("Practitioner/dg-mail-gp-4").address();
        put("Practitioner/dg-mail-gp-4", """
                {"resourceType":"Practitioner","id":"dg-mail-gp-4",
                 "telecom":[{"system":"email","value":"second@gp.example","use":"work"}]}""");
        String cached = contacts.lookUp("Practitioner/dg-mail-gp-4").address();
        nanos.addAndGet(Duration.ofMinutes(6).toNanos());
        String reread = contacts.lookUp("Practitioner/dg-mail-gp-4").address();

        assertThat(first).isEqualTo("first@gp.example");
        assertThat(cached).isEqualTo("first@gp.example");
        assertThat(reread).isEqualTo("second@gp.example");
        assertThat(contacts.cache().stats().hitCount()).isEqualTo(1);
        assertThat(contacts.cache().stats().missCount()).isEqualTo(2);
    }

    @Test
    void aDisclosure_throughTheRelay_isMailedToTheClinician_withACopyForTheGuardian() throws Exception {
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        DataSource dataSource = db.freshDatabase();
        try {
            GuardDatabase.migrate(dataSource);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY,
                    List.of(EmailChannel.NAME), clock);
            AuditEntry entry = Disclosures.police("req-ci1");
            new JdbcAuditStore(dataSource).append(entry, outbox.writesFor(entry,
                    List.of(NoticeSubject.of("pat-1", "PractitionerRole/dg-mail-role-1", "9000000009"))));
            NotificationRelay relay = new NotificationRelay(dataSource, List.of(channel(contacts())),
                    RetryPolicy.DEFAULT, clock, new Random(7), 10, Duration.ofMinutes(2), "g1");

            assertThat(relay.runOnce().delivered()).isEqualTo(1);

            MimeMessage[] received = smtp.getReceivedMessages();
            assertThat(received).as("one copy for the clinician, one for the guardian").hasSize(2);
            MimeMessage message = received[0];
            assertThat(Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                    .containsExactly("dr.okafor@gp.example");
            assertThat(Arrays.stream(message.getRecipients(Message.RecipientType.CC)).map(Object::toString))
                    .containsExactly(GUARDIAN);
            String raw = GreenMailUtil.getWholeMessage(message);
            assertThat(GreenMailUtil.getBody(message)).startsWith("Data about your patient Patient/pat-1");
            assertThat(raw).doesNotContain("practice-manager@gp.example").doesNotContain("9000000009");
            for (String canary : Disclosures.CANARIES) {
                assertThat(raw).doesNotContainIgnoringCase(canary);
            }
        } finally {
            db.close();
        }
    }

    @Test
    void aDailyDigest_goesToEachClinicianSeparately() throws Exception {
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        DataSource dataSource = db.freshDatabase();
        try {
            GuardDatabase.migrate(dataSource);
            JdbcAuditStore audit = new JdbcAuditStore(dataSource);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY,
                    List.of(EmailChannel.NAME), clock);
            AuditEntry entry = Disclosures.police("req-cd1", List.of("pat-1", "pat-2", "pat-3"));
            audit.append(entry, outbox.writesFor(entry, List.of(
                    NoticeSubject.of("pat-1", "Practitioner/dg-mail-gp-1", "9000000009"),
                    NoticeSubject.of("pat-2", "Practitioner/dg-mail-gp-3", "9000000017"),
                    NoticeSubject.of("pat-3", "Practitioner/dg-mail-gp-1", "9000000025"))));
            DigestSender sender = new DigestSender(dataSource, channel(contacts()),
                    new DigestSchedule(LocalTime.of(7, 0), ZoneId.of("Europe/London")), RetryPolicy.DEFAULT, clock,
                    new Random(3), 1000, Duration.ofMinutes(5), "g1", NotificationMetrics.NONE);
            clock.set(Instant.parse("2026-11-24T07:00:00Z"));

            DigestSender.DigestResult result = sender.runOnce();

            assertThat(result.digests()).isEqualTo(2);
            assertThat(result.delivered()).isEqualTo(3);
            MimeMessage okafor = to(smtp.getReceivedMessages(), "dr.okafor@gp.example");
            MimeMessage ahmed = to(smtp.getReceivedMessages(), "dr.ahmed@gp.example");
            assertThat(okafor.getSubject()).contains("2 notices");
            assertThat(GreenMailUtil.getBody(okafor)).contains("Patient/pat-1").contains("Patient/pat-3")
                    .doesNotContain("Patient/pat-2");
            assertThat(ahmed.getSubject()).contains("1 notice");
            assertThat(GreenMailUtil.getBody(ahmed)).contains("Patient/pat-2").doesNotContain("Patient/pat-1");
        } finally {
            db.close();
        }
    }

    private static MimeMessage to(MimeMessage[] messages, String address) throws Exception {
        for (MimeMessage m : messages) {
            if (Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address))) {
                return m;
            }
        }
        throw new AssertionError("no message to " + address);
    }

    private static void put(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + path))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }
}

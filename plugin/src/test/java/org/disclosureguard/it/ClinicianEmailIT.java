package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The registered clinician hears about a disclosure by e-mail at their own address: an outside requester reads a
 * patient whose {@code generalPractitioner} is a Practitioner with a work e-mail on the real practice server, and
 * GreenMail receives the notice addressed to that clinician, with a copy for the Caldicott Guardian's mailbox. A
 * patient registered with an organisation is mailed to the practice's addresses, and the message says why.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"guard.notification.relay.poll-interval=500ms", "guard.notification.email.clinician=true",
                "guard.notification.email.guardian=caldicott@gp.example",
                "guard.notification.email.to=practice-manager@gp.example",
                "guard.notification.email.from=guard@gp.example", "guard.notification.email.start-tls=false",
                "guard.notification.email.timeout=5s"})
class ClinicianEmailIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final KeyPair AGENCY = SignedTokens.ec();
    private static final String ORGANISATION = "Mailed Health Agency " + UUID.randomUUID().toString().substring(0, 8);
    private static final String CLINICIAN_ADDRESS = "dr.mensah@gp.example";

    private static GreenMail smtp;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) throws IOException {
        int smtpPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = socket.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        registry.add("guard.notification.email.host", () -> "127.0.0.1");
        registry.add("guard.notification.email.port", () -> smtpPort);
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", () -> requesters().toString());
        registry.add("guard.identity.audience", () -> AUDIENCE);
    }

    @BeforeAll
    static void records() throws Exception {
        put("Practitioner/dg-it-mail-gp", """
                {"resourceType":"Practitioner","id":"dg-it-mail-gp","name":[{"family":"Mensah","prefix":["Dr"]}],
                 "telecom":[{"system":"email","value":"%s","use":"work"}]}""".formatted(CLINICIAN_ADDRESS));
        put("Organization/dg-it-mail-org", """
                {"resourceType":"Organization","id":"dg-it-mail-org","name":"Mailed Surgery"}""");
        put("Patient/dg-it-mail-pt-1", """
                {"resourceType":"Patient","id":"dg-it-mail-pt-1","name":[{"family":"Quayle","given":["Wren"]}],
                 "birthDate":"1971-04-12",
                 "generalPractitioner":[{"reference":"Practitioner/dg-it-mail-gp"}]}""");
        put("Patient/dg-it-mail-pt-2", """
                {"resourceType":"Patient","id":"dg-it-mail-pt-2","name":[{"family":"Quayle","given":["Linnet"]}],
                 "birthDate":"1973-09-30",
                 "generalPractitioner":[{"reference":"Organization/dg-it-mail-org"}]}""");
    }

    @AfterAll
    static void stopSmtp() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void aDisclosure_isMailedToTheRegisteredClinician_andTheGuardian() throws Exception {
        assertThat(read("dg-it-mail-pt-1")).isEqualTo(200);

        List<MimeMessage> messages = awaitMessagesAbout("Patient/dg-it-mail-pt-1", 2);

        assertThat(messages).hasSize(2);
        MimeMessage message = messages.get(0);
        assertThat(addresses(message, Message.RecipientType.TO)).containsExactly(CLINICIAN_ADDRESS);
        assertThat(addresses(message, Message.RecipientType.CC)).containsExactly("caldicott@gp.example");
        String body = GreenMailUtil.getBody(message);
        assertThat(body).startsWith("Data about your patient Patient/dg-it-mail-pt-1").contains(ORGANISATION)
                .doesNotContain("Wren").doesNotContain("1971-04-12");
        assertThat(GreenMailUtil.getWholeMessage(message)).doesNotContain("practice-manager@gp.example");
    }

    @Test
    void aPatientRegisteredWithAnOrganisation_isMailedToThePractice_sayingWhy() throws Exception {
        assertThat(read("dg-it-mail-pt-2")).isEqualTo(200);

        List<MimeMessage> messages = awaitMessagesAbout("Patient/dg-it-mail-pt-2", 2);

        assertThat(messages).hasSize(2);
        MimeMessage message = messages.get(0);
        assertThat(addresses(message, Message.RecipientType.TO)).containsExactly("practice-manager@gp.example");
        assertThat(addresses(message, Message.RecipientType.CC)).containsExactly("caldicott@gp.example");
        assertThat(GreenMailUtil.getBody(message)).startsWith("Sent to the practice's addresses, not to the "
                + "registered clinician: the patient is registered with Organization/dg-it-mail-org");
    }

    private int read(String patient) throws Exception {
        String token = SignedTokens.es256(AGENCY, SignedTokens.claims("agency", AUDIENCE, Instant.now())
                .claim("purpose_of_use", "PUBHLTH").claim("legal_basis", "PUBLIC-HEALTH-STATUTORY"));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Patient/" + patient))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** The messages (one per SMTP recipient) whose body names the patient, waiting up to 30 s for {@code count}. */
    private static List<MimeMessage> awaitMessagesAbout(String patient, int count) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (int attempt = 0; attempt < 60; attempt++) {
            found.clear();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                String body = GreenMailUtil.getBody(m);
                if (body.contains(patient + " ") && body.contains(ORGANISATION)) {
                    found.add(m);
                }
            }
            if (found.size() >= count) {
                Thread.sleep(1_000);
                break;
            }
            Thread.sleep(500);
        }
        found.clear();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            String body = GreenMailUtil.getBody(m);
            if (body.contains(patient + " ") && body.contains(ORGANISATION)) {
                found.add(m);
            }
        }
        return found;
    }

    private static List<String> addresses(MimeMessage message, Message.RecipientType type) throws Exception {
        var addresses = message.getRecipients(type);
        return addresses == null ? List.of() : Arrays.stream(addresses).map(Object::toString).toList();
    }

    private static void put(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(PracticeServer.shared().baseUrl()
                + "/" + path)).header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    private static Path requesters() {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), "clinician-email-it").resolve("requesters.yaml");
            Files.writeString(file, """
                    version: 1
                    requesters:
                      - id: agency
                        organisation: %s
                        class: public-health
                        token: {clientId: agency, keys: [{jwk: '%s'}]}
                    """.formatted(ORGANISATION, SignedTokens.publicJwk(AGENCY)));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The e-mail channel against a real SMTP server (GreenMail), including the server being down. */
class EmailChannelTest {

    private int port;
    private GreenMail smtp;
    private Disclosures.MutableClock clock;

    @BeforeEach
    void setUp() throws Exception {
        port = freePort();
        clock = new Disclosures.MutableClock(Disclosures.T0);
    }

    @AfterEach
    void tearDown() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    private void startSmtp() {
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    private EmailChannel channel() {
        return new EmailChannel(new EmailChannel.EmailSettings("127.0.0.1", port, false, null, null,
                "guard@gp.example", List.of("practice-manager@gp.example", "duty-gp@gp.example"),
                Duration.ofSeconds(3)), clock);
    }

    @Test
    void deliver_sendsPlainTextToEveryConfiguredAddressWithoutPatientData() throws Exception {
        startSmtp();
        Notice notice = Disclosures.notice("req-m1");

        channel().deliver(notice);

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).as("one copy per configured address").hasSize(2);
        assertThat(Arrays.stream(received[0].getAllRecipients()).map(Object::toString))
                .containsExactly("practice-manager@gp.example", "duty-gp@gp.example");
        MimeMessage message = received[0];
        String raw = GreenMailUtil.getWholeMessage(message);
        String body = GreenMailUtil.getBody(message);
        assertThat(message.getSubject()).isEqualTo("Patient data disclosed to Metropolitan Police (police)");
        assertThat(message.getContentType()).startsWith("text/plain");
        assertThat(message.getMessageID()).isEqualTo("<" + notice.noticeId() + "@disclosureguard>");
        assertThat(message.getFrom()[0].toString()).isEqualTo("guard@gp.example");
        assertThat(body).contains("Patient/pat-1", "*** *** 0009", "Metropolitan Police",
                "https://gp.example/guard/disclosures/req-m1");
        for (String canary : Disclosures.CANARIES) {
            assertThat(raw).doesNotContainIgnoringCase(canary);
        }
        assertThat(raw).doesNotContain("9000000009");
    }

    @Test
    void serverDown_isAFailure() {
        assertThatThrownBy(() -> channel().deliver(Disclosures.notice("req-m2")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("email: SMTP 127.0.0.1:" + port + " did not accept the message");
    }

    @Test
    void serverDownThenUp_throughTheRelay_deliversOnce() throws Exception {
        H2NotificationRelayTest db = new H2NotificationRelayTest();
        DataSource dataSource = db.freshDatabase();
        try {
            GuardDatabase.migrate(dataSource);
            NotificationOutbox outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY, List.of("email"),
                    clock);
            AuditEntry entry = Disclosures.police("req-m3");
            new JdbcAuditStore(dataSource).append(entry,
                    outbox.writesFor(entry, Disclosures.subjects(entry.patients())));
            NotificationRelay relay = new NotificationRelay(dataSource, List.of(channel()), RetryPolicy.DEFAULT, clock,
                    new Random(5), 10, Duration.ofMinutes(2), "g1");

            assertThat(relay.runOnce().retrying()).isEqualTo(1);
            assertThat(outbox.rowsWithStatus("pending", 10).get(0).lastError()).contains("did not accept");

            startSmtp();
            clock.advance(Duration.ofMinutes(1));
            assertThat(relay.runOnce().delivered()).isEqualTo(1);
            clock.advance(Duration.ofHours(2));
            assertThat(relay.runOnce().claimed()).isZero();

            assertThat(smtp.getReceivedMessages()).hasSize(2); // one per configured address, once
        } finally {
            db.close();
        }
    }

    @Test
    void malformedAddress_isRefused() {
        assertThatThrownBy(() -> new EmailChannel(new EmailChannel.EmailSettings("127.0.0.1", port, false, null, null,
                "guard@gp.example", List.of("not an address"), Duration.ofSeconds(1)), clock))
                .hasMessageContaining("DG-6013");
        assertThatThrownBy(() -> new EmailChannel(new EmailChannel.EmailSettings("127.0.0.1", port, false, null, null,
                "guard@gp.example", List.of(), Duration.ofSeconds(1)), clock))
                .hasMessageContaining("names no address");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

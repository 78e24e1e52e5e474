package org.disclosureguard.notification;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Delivers a notice by e-mail over SMTP (Jakarta Mail) to the practice's configured addresses: plain text, subject
 * {@link NoticeText#summary} (no patient identifier), body {@link NoticeText#body} (the patient's id in the practice
 * system and a masked NHS number, nothing else about the patient). The notice id is the {@code Message-ID}, so a
 * retried message can be recognised as the same one. A refused connection, a timeout or a rejected message is a
 * {@link DeliveryException}. In daily-digest mode ({@link DigestSender}) it sends one message per digest to the same
 * addresses, subject {@link DigestText#subject}, body {@link DigestText#body}, with the digest id as its
 * {@code Message-ID}.
 *
 * <p>Thread-safe (one immutable {@link Session}; each delivery opens its own transport).
 */
public final class EmailChannel implements NotificationChannel, DigestChannel {

    /** The channel name. */
    public static final String NAME = "email";

    private final Session session;
    private final InternetAddress from;
    private final Address[] to;
    private final String user;
    private final String password;
    private final Clock clock;
    private final String hostAndPort;

    /**
     * @param settings where and how to send
     * @param clock the message's {@code Date}
     * @throws IllegalArgumentException when an address is malformed or none is given
     */
    public EmailChannel(EmailSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.from = new InternetAddress(settings.from(), true);
            if (settings.to().isEmpty()) {
                throw new IllegalArgumentException("DG-6013: guard.notification.email.to names no address");
            }
            this.to = new Address[settings.to().size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(settings.to().get(i), true);
            }
        } catch (AddressException e) {
            throw new IllegalArgumentException("DG-6013: guard.notification.email: not an e-mail address: "
                    + e.getRef(), e);
        }
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", Integer.toString(settings.port()));
        String millis = Long.toString(settings.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        p.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
        p.put("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
        p.put("mail.smtp.auth", Boolean.toString(settings.user() != null));
        this.session = Session.getInstance(p);
        this.user = settings.user();
        this.password = settings.password();
        this.hostAndPort = settings.host() + ":" + settings.port();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void deliver(Notice notice) throws DeliveryException {
        send(notice.noticeId(), NoticeText.summary(notice), NoticeText.body(notice), "X-DG-Notice-Id");
    }

    /** Every e-mail goes to the practice's one address list: one digest for all notices. */
    @Override
    public String recipientOf(Notice notice) {
        return "";
    }

    /** Sends one message listing every notice of the digest, its {@code Message-ID} from the digest id. */
    @Override
    public void deliverDigest(Digest digest) throws DeliveryException {
        send(digest.digestId(), DigestText.subject(digest), DigestText.body(digest), "X-DG-Digest-Id");
    }

    private void send(String id, String subject, String body, String idHeader) throws DeliveryException {
        try {
            MimeMessage message = new IdentifiedMessage(session, "<" + id + "@disclosureguard>");
            message.setFrom(from);
            message.setRecipients(MimeMessage.RecipientType.TO, to);
            message.setSubject(subject, "UTF-8");
            message.setText(body, "UTF-8");
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader(idHeader, id);
            if (user == null) {
                Transport.send(message);
            } else {
                Transport.send(message, user, password);
            }
        } catch (MessagingException e) {
            throw new DeliveryException("email: SMTP " + hostAndPort + " did not accept the message: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** A message whose Message-ID is ours, not one generated on save. */
    private static final class IdentifiedMessage extends MimeMessage {
        private final String messageId;

        IdentifiedMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }

    /**
     * Where and how the e-mail channel sends. Immutable.
     *
     * @param host the SMTP server
     * @param port its port (587 with STARTTLS, 25 without)
     * @param startTls whether to require STARTTLS
     * @param user the SMTP user, or {@code null} for no authentication
     * @param password the SMTP password, or {@code null}
     * @param from the sender address
     * @param to the practice's addresses, at least one
     * @param timeout the limit on connecting, reading and writing
     */
    public record EmailSettings(String host, int port, boolean startTls, String user, String password, String from,
                                List<String> to, Duration timeout) {

        public EmailSettings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(timeout, "timeout");
            to = List.copyOf(to);
            if (host.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("DG-6013: guard.notification.email.host and port must name an "
                        + "SMTP server");
            }
        }

        @Override
        public String toString() {
            return "EmailSettings[" + host + ":" + port + ", startTls=" + startTls + ", user=" + user + ", from="
                    + from + ", to=" + to + "]";
        }
    }
}

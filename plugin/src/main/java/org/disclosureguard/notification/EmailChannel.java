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
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Delivers a notice by e-mail over SMTP (Jakarta Mail): plain text, subject {@link NoticeText#summary} (no patient
 * identifier), body {@link NoticeText#body} (the patient's id in the practice system and a masked NHS number, nothing
 * else about the patient). The notice id is the {@code Message-ID}, so a retried message can be recognised as the
 * same one. A refused connection, a timeout or a rejected message is a {@link DeliveryException}. In daily-digest
 * mode ({@link DigestSender}) it sends one message per digest, subject {@link DigestText#subject}, body
 * {@link DigestText#body}, with the digest id as its {@code Message-ID}.
 *
 * <p><b>To whom.</b> Without clinician look-up, every message goes to the practice's configured addresses
 * ({@link EmailSettings#to()}), and a digest covers the whole practice. With a {@link ClinicianContacts}, a message
 * goes to the registered clinician's own address, read from the practice FHIR server at delivery time, and digests
 * are grouped per clinician ({@link #recipientOf}); when the patient has no clinician, is registered with an
 * organisation, or the clinician has no usable address (or is not on the server), it goes to the practice's
 * addresses and its first line says why. A look-up that fails (the practice server is down) is a
 * {@link DeliveryException}: the outbox tries again later. Either way, the Caldicott Guardian's mailbox, when one is
 * configured, receives a copy ({@code Cc}).
 *
 * <p>Thread-safe (one immutable {@link Session}; each delivery opens its own transport; the contact look-up is
 * thread-safe).
 */
public final class EmailChannel implements NotificationChannel, DigestChannel {

    /** The channel name. */
    public static final String NAME = "email";

    private final Session session;
    private final InternetAddress from;
    private final Address[] to;
    private final Address[] guardian;
    private final ClinicianContacts clinicians;
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
        this(settings, clock, null, List.of());
    }

    /**
     * @param settings where and how to send; {@link EmailSettings#to()} are the practice's addresses (the fall-back
     *     when the clinician has no address)
     * @param clock the message's {@code Date}
     * @param clinicians looks up the registered clinician's address, or {@code null} to send every message to the
     *     practice's addresses
     * @param guardian the Caldicott Guardian's mailbox (copied on every message), or empty for none
     * @throws IllegalArgumentException when an address is malformed or no practice address is given
     */
    public EmailChannel(EmailSettings settings, Clock clock, ClinicianContacts clinicians, List<String> guardian) {
        Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clinicians = clinicians;
        try {
            this.from = new InternetAddress(settings.from(), true);
            if (settings.to().isEmpty()) {
                throw new IllegalArgumentException("DG-6013: guard.notification.email.to names no address");
            }
            this.to = addresses(settings.to());
            this.guardian = addresses(List.copyOf(guardian));
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
        Route route = route(notice.clinicianReference());
        send(notice.noticeId(), NoticeText.summary(notice), route.note() + NoticeText.body(notice), "X-DG-Notice-Id",
                route.to());
    }

    /**
     * With clinician look-up, the notice's registered clinician (one digest per clinician, empty for patients with
     * none on record); without it, empty for every notice: one digest to the practice's addresses.
     */
    @Override
    public String recipientOf(Notice notice) {
        return clinicians == null ? "" : notice.clinicianReference();
    }

    /**
     * Sends one message listing every notice of the digest, its {@code Message-ID} from the digest id, to the
     * digest's clinician (or the practice's addresses).
     */
    @Override
    public void deliverDigest(Digest digest) throws DeliveryException {
        Route route = route(digest.recipient());
        send(digest.digestId(), DigestText.subject(digest), route.note() + DigestText.body(digest), "X-DG-Digest-Id",
                route.to());
    }

    /** Where a message about this clinician's patient goes, and the line that says why, if it is not to them. */
    private Route route(String clinicianReference) throws DeliveryException {
        if (clinicians == null) {
            return new Route(to, "");
        }
        ClinicianContacts.Contact contact = clinicians.lookUp(clinicianReference);
        if (contact.found()) {
            try {
                return new Route(new Address[] {new InternetAddress(contact.address(), true)}, "");
            } catch (AddressException e) {
                return new Route(to, fallbackNote("the registered clinician's e-mail address is not valid"));
            }
        }
        return new Route(to, fallbackNote(contact.reason()));
    }

    private static String fallbackNote(String reason) {
        return "Sent to the practice's addresses, not to the registered clinician: " + reason + ".\n\n";
    }

    private record Route(Address[] to, String note) {
    }

    private static Address[] addresses(List<String> list) throws AddressException {
        Address[] out = new Address[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new InternetAddress(list.get(i), true);
        }
        return out;
    }

    private void send(String id, String subject, String body, String idHeader, Address[] recipients)
            throws DeliveryException {
        try {
            MimeMessage message = new IdentifiedMessage(session, "<" + id + "@disclosureguard>");
            message.setFrom(from);
            message.setRecipients(MimeMessage.RecipientType.TO, recipients);
            Address[] copies = Arrays.stream(guardian)
                    .filter(g -> Arrays.stream(recipients).noneMatch(r -> r.toString()
                            .equalsIgnoreCase(g.toString())))
                    .toArray(Address[]::new);
            if (copies.length > 0) {
                message.setRecipients(MimeMessage.RecipientType.CC, copies);
            }
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

package org.disclosureguard.notification;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Reference;

/**
 * Delivers a notice into the GP system's own inbox: a FHIR R4 {@code Communication} created on the practice's FHIR
 * server, so it appears where the clinician works. The Communication has status {@code completed}, category
 * {@code notification}, subject {@code Patient/<id>}, recipient the registered clinician (none when the patient has
 * none on record), sender "Disclosure Guard" (a display only), sent time, the plain-English text as
 * {@code payload.contentString}, and identifier {@value #IDENTIFIER_SYSTEM}|notice id. It is created with a
 * conditional create ({@code If-None-Exist: identifier=...}), so a retry after a lost answer does not create a
 * second one. 201 (created) and 200 (already there) are success; anything else, a timeout or a connection failure
 * is a {@link DeliveryException}; a 429 or 503 carries the server's {@code Retry-After} (seconds or an HTTP-date) as
 * {@link DeliveryException#retryAfter()}, which the relay honours. (A 410 from the practice's own server is an
 * ordinary failure: the GP system's inbox is never disabled.)
 *
 * <p>In daily-digest mode ({@link DigestSender}) it writes one Communication per clinician per digest: recipient the
 * clinician, {@code about} each patient, the {@link DigestText} as topic and payload, and identifier
 * {@value #DIGEST_IDENTIFIER_SYSTEM}|digest id (conditional create as above).
 *
 * <p>Thread-safe.
 */
public final class FhirInboxChannel implements NotificationChannel, DigestChannel {

    /** The channel name. */
    public static final String NAME = "fhir-inbox";
    /** The identifier system of the Communications the guard writes. */
    public static final String IDENTIFIER_SYSTEM = "https://fhir.disclosureguard.org/Id/notice";
    /** The identifier system of the digest Communications the guard writes. */
    public static final String DIGEST_IDENTIFIER_SYSTEM = "https://fhir.disclosureguard.org/Id/notice-digest";
    /** The category code system. */
    public static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/communication-category";

    private final URI communicationEndpoint;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final String senderDisplay;
    private final Map<String, String> headers;
    private final FhirContext fhir = FhirContext.forR4Cached();

    /**
     * @param baseUrl the practice FHIR server's base URL ({@code http://gp-fhir.local/fhir})
     * @param http the client
     * @param timeout the limit on each request
     * @param clock the time written as {@code sent}
     * @param senderDisplay the sender's display ({@code Disclosure Guard})
     * @param headers extra request headers, for example {@code Authorization} for the practice server
     */
    public FhirInboxChannel(URI baseUrl, HttpClient http, Duration timeout, Clock clock, String senderDisplay,
                            Map<String, String> headers) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!baseUrl.isAbsolute()) {
            throw new IllegalArgumentException("DG-6014: the practice FHIR base URL must be absolute: " + baseUrl);
        }
        String base = baseUrl.toString();
        this.communicationEndpoint = URI.create((base.endsWith("/") ? base : base + "/") + "Communication");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.senderDisplay = Objects.requireNonNull(senderDisplay, "senderDisplay");
        this.headers = Map.copyOf(headers);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void deliver(Notice notice) throws DeliveryException {
        post(communication(notice), IDENTIFIER_SYSTEM, notice.noticeId());
    }

    /** A digest goes to the notices' registered clinician: one digest per clinician (empty: none on record). */
    @Override
    public String recipientOf(Notice notice) {
        return notice.clinicianReference();
    }

    /**
     * Writes one Communication listing every notice of the digest, addressed to the clinician, with a conditional
     * create on the digest id.
     */
    @Override
    public void deliverDigest(Digest digest) throws DeliveryException {
        post(communication(digest), DIGEST_IDENTIFIER_SYSTEM, digest.digestId());
    }

    private void post(Communication communication, String identifierSystem, String identifier)
            throws DeliveryException {
        String body = fhir.newJsonParser().encodeResourceToString(communication);
        HttpRequest.Builder request = HttpRequest.newBuilder(communicationEndpoint)
                .timeout(timeout)
                .header("Content-Type", "application/fhir+json; charset=UTF-8")
                .header("Accept", "application/fhir+json")
                .header("Prefer", "return=minimal")
                .header("If-None-Exist", "identifier=" + URLEncoder.encode(
                        identifierSystem + "|" + identifier, StandardCharsets.UTF_8))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("fhir-inbox: " + communicationEndpoint + " did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new DeliveryException("fhir-inbox: " + communicationEndpoint + " unreachable: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("fhir-inbox: interrupted while writing to " + communicationEndpoint, e);
        }
        int status = response.statusCode();
        if (status != 200 && status != 201) {
            String text = response.body() == null ? "" : response.body();
            String message = "fhir-inbox: " + communicationEndpoint + " answered HTTP " + status
                    + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(500, text.length())));
            if (RetryAfter.applies(status)) {
                var wait = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null),
                        clock.instant());
                if (wait.isPresent()) {
                    throw new DeliveryException(message + " (Retry-After " + wait.get().toSeconds() + " s)",
                            wait.get());
                }
            }
            throw new DeliveryException(message);
        }
    }

    /** The Communication for a notice. */
    Communication communication(Notice notice) {
        Communication c = new Communication();
        c.addIdentifier().setSystem(IDENTIFIER_SYSTEM).setValue(notice.noticeId());
        c.setStatus(Communication.CommunicationStatus.COMPLETED);
        c.addCategory().addCoding().setSystem(CATEGORY_SYSTEM).setCode("notification").setDisplay("Notification");
        if (!notice.patientId().isEmpty()) {
            c.setSubject(new Reference("Patient/" + notice.patientId()));
        }
        if (!notice.clinicianReference().isEmpty()) {
            c.addRecipient(new Reference(notice.clinicianReference()));
        }
        c.setSender(new Reference().setDisplay(senderDisplay));
        c.setSent(Date.from(clock.instant()));
        c.getTopic().setText(NoticeText.summary(notice));
        c.addPayload().setContent(new org.hl7.fhir.r4.model.StringType(NoticeText.body(notice)));
        return c;
    }

    /**
     * The Communication for a digest: {@code recipient} the clinician (none when the group has no clinician on
     * record), {@code about} each patient once, {@code subject} only when every notice is about one patient.
     */
    Communication communication(Digest digest) {
        Communication c = new Communication();
        c.addIdentifier().setSystem(DIGEST_IDENTIFIER_SYSTEM).setValue(digest.digestId());
        c.setStatus(Communication.CommunicationStatus.COMPLETED);
        c.addCategory().addCoding().setSystem(CATEGORY_SYSTEM).setCode("notification").setDisplay("Notification");
        java.util.List<String> patients = digest.notices().stream().map(Notice::patientId).distinct().toList();
        if (patients.size() == 1) {
            c.setSubject(new Reference("Patient/" + patients.get(0)));
        }
        patients.forEach(p -> c.addAbout(new Reference("Patient/" + p)));
        if (!digest.recipient().isEmpty()) {
            c.addRecipient(new Reference(digest.recipient()));
        }
        c.setSender(new Reference().setDisplay(senderDisplay));
        c.setSent(Date.from(clock.instant()));
        c.getTopic().setText(DigestText.subject(digest));
        c.addPayload().setContent(new org.hl7.fhir.r4.model.StringType(DigestText.body(digest)));
        return c;
    }
}

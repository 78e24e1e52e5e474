package org.disclosureguard.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;

/**
 * Finds the e-mail address of a patient's registered clinician ({@code Patient.generalPractitioner}) by reading the
 * {@code Practitioner} or {@code PractitionerRole} from the practice's own FHIR server, for the e-mail channel at
 * delivery time (on the relay's or digest sender's thread, never on a requester's request path).
 *
 * <p><b>Which address.</b> Of the resource's {@code telecom} entries with {@code system = email}, a value that is a
 * valid address, {@code use} other than {@code old} and a {@code period} that has not ended (and has begun), the
 * best one: {@code use = work} before no {@code use} before any other use, then the lowest {@code rank}, then
 * document order. A {@code PractitionerRole} without such an address gives its {@code practitioner}'s (a relative
 * {@code Practitioner/id} reference, read the same way; an absolute or identifier-only reference is not followed).
 *
 * <p><b>Outcomes.</b> {@link Contact#address()} is the address; when there is none the contact carries the reason
 * ({@link Contact#reason()}), and the channel falls back to the practice's addresses and says so. No clinician, an
 * {@code Organization}, a resource the server does not have (404, 410) and a resource without a usable address are
 * such fall-backs. A server that cannot be asked (unreachable, timeout, any other status, an unreadable body) is a
 * {@link DeliveryException}, so the outbox retries the notice later; a 429 or 503 with {@code Retry-After} carries
 * the wait.
 *
 * <p><b>Egress.</b> Only the practice FHIR server given here is asked: the reference is checked against
 * {@code (Practitioner|PractitionerRole)/[A-Za-z0-9-.]{1,64}} (not {@code .} or {@code ..}) and appended to the base URL, so it cannot name
 * another host; redirects are not followed.
 *
 * <p><b>Cache.</b> Resolved contacts (fall-backs included, failures not) are kept in a bounded Caffeine cache for a
 * short time ({@link #cache()}, with statistics recorded, named {@value #CACHE_NAME} for metrics). Contact details
 * are practice staff data, not patient data; a changed address is used once the entry expires.
 *
 * <p>Thread-safe.
 */
public final class ClinicianContacts {

    /** The name under which the cache's metrics are reported. */
    public static final String CACHE_NAME = "practitioner-contacts";

    private static final Pattern REFERENCE = Pattern.compile(
            "(Practitioner|PractitionerRole)/(?!\\.{1,2}$)[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern ORGANIZATION = Pattern.compile("Organization/[A-Za-z0-9\\-.]{1,64}");

    private final String base;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, String> headers;
    private final Cache<String, Contact> cache;
    private final FhirContext fhir = FhirContext.forR4Cached();

    /**
     * @param baseUrl the practice FHIR server's base URL (the guard's {@code guard.upstream.base-url})
     * @param http the client; it must not follow redirects
     * @param timeout the limit on each read
     * @param headers extra request headers, for example {@code Authorization} for the practice server
     * @param ttl how long a resolved contact is kept, positive
     * @param maximumSize how many contacts are kept at most, positive
     * @param clock the time against which {@code telecom.period} is judged
     * @param ticker the cache's time source ({@link Ticker#systemTicker()} outside tests)
     * @throws IllegalArgumentException when the base URL is not absolute, the client follows redirects, or the
     *     cache bounds are not positive (DG-6014, DG-6017, DG-6013)
     */
    public ClinicianContacts(URI baseUrl, HttpClient http, Duration timeout, Map<String, String> headers,
                             Duration ttl, long maximumSize, Clock clock, Ticker ticker) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!baseUrl.isAbsolute()) {
            throw new IllegalArgumentException("DG-6014: the practice FHIR base URL must be absolute: " + baseUrl);
        }
        String text = baseUrl.toString();
        this.base = text.endsWith("/") ? text : text + "/";
        this.http = Objects.requireNonNull(http, "http");
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("DG-6017: the clinician lookup's HTTP client must not follow "
                    + "redirects; build it with HttpClient.Redirect.NEVER");
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.headers = Map.copyOf(headers);
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || maximumSize < 1) {
            throw new IllegalArgumentException("DG-6013: guard.notification.email.clinician-cache-ttl and "
                    + "clinician-cache-size must be positive");
        }
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl)
                .ticker(Objects.requireNonNull(ticker, "ticker")).recordStats().build();
    }

    /** The cache of resolved contacts, for binding its statistics to metrics ({@value #CACHE_NAME}). */
    public Cache<String, Contact> cache() {
        return cache;
    }

    /**
     * The e-mail address of the clinician a notice names.
     *
     * @param clinicianReference {@link Notice#clinicianReference()}: {@code Practitioner/x},
     *     {@code PractitionerRole/x}, {@code Organization/x} or empty
     * @return the address, or the reason there is none (never {@code null})
     * @throws DeliveryException when the practice server could not be asked; try again later
     */
    public Contact lookUp(String clinicianReference) throws DeliveryException {
        String reference = clinicianReference == null ? "" : clinicianReference;
        if (reference.isEmpty()) {
            return Contact.none(reference, "the patient has no registered clinician on record");
        }
        if (ORGANIZATION.matcher(reference).matches()) {
            return Contact.none(reference, "the patient is registered with " + reference
                    + ", an organisation, not a named clinician");
        }
        if (!REFERENCE.matcher(reference).matches()) {
            return Contact.none(reference, "the registered clinician " + reference + " is not a Practitioner or "
                    + "PractitionerRole reference");
        }
        Contact cached = cache.getIfPresent(reference);
        if (cached != null) {
            return cached;
        }
        Contact resolved = resolve(reference);
        cache.put(reference, resolved);
        return resolved;
    }

    private Contact resolve(String reference) throws DeliveryException {
        Optional<Resource> read = read(reference);
        if (read.isEmpty()) {
            return Contact.none(reference, reference + " is not on the practice's FHIR server");
        }
        Instant now = clock.instant();
        if (read.get() instanceof Practitioner practitioner) {
            return bestEmail(practitioner.getTelecom(), now).map(a -> Contact.of(reference, a))
                    .orElseGet(() -> Contact.none(reference, reference + " has no current e-mail address"));
        }
        PractitionerRole role = (PractitionerRole) read.get();
        Optional<String> own = bestEmail(role.getTelecom(), now);
        if (own.isPresent()) {
            return Contact.of(reference, own.get());
        }
        String practitioner = role.hasPractitioner() ? role.getPractitioner().getReference() : null;
        if (practitioner == null || !practitioner.startsWith("Practitioner/") || !REFERENCE.matcher(practitioner)
                .matches()) {
            return Contact.none(reference, reference + " has no current e-mail address and names no practitioner");
        }
        Contact person = lookUp(practitioner);
        return person.address().isEmpty()
                ? Contact.none(reference, reference + " and its " + person.reason())
                : Contact.of(reference, person.address());
    }

    /** GET [base]/Type/id: the resource, empty on 404 or 410. */
    private Optional<Resource> read(String reference) throws DeliveryException {
        URI uri = URI.create(base + reference);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/fhir+json").GET();
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("email: the practice FHIR server did not answer within " + timeout.toMillis()
                    + " ms when asked for " + reference + "'s e-mail address", e);
        } catch (IOException e) {
            throw new DeliveryException("email: the practice FHIR server " + base + " is unreachable for the "
                    + "clinician's e-mail address: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("email: interrupted while asking the practice FHIR server for " + reference, e);
        }
        int status = response.statusCode();
        if (status == 404 || status == 410) {
            return Optional.empty();
        }
        if (status != 200) {
            String message = "email: the practice FHIR server answered HTTP " + status + " when asked for "
                    + reference + "'s e-mail address";
            if (RetryAfter.applies(status)) {
                Optional<Duration> wait = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null),
                        clock.instant());
                if (wait.isPresent()) {
                    throw new DeliveryException(message + " (Retry-After " + wait.get().toSeconds() + " s)",
                            wait.get());
                }
            }
            throw new DeliveryException(message);
        }
        Class<? extends Resource> type = reference.startsWith("PractitionerRole/") ? PractitionerRole.class
                : Practitioner.class;
        try {
            return Optional.of(fhir.newJsonParser().parseResource(type, response.body()));
        } catch (DataFormatException | ClassCastException e) {
            throw new DeliveryException("email: the practice FHIR server's answer for " + reference + " is not a "
                    + type.getSimpleName() + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * The best current e-mail address among contact points: work before unstated before other uses, then the lowest
     * rank, then document order; never an {@code old} one, one whose period has ended or not begun, or one that is
     * not a valid address.
     */
    static Optional<String> bestEmail(List<ContactPoint> telecom, Instant now) {
        return telecom.stream()
                .filter(c -> c.getSystem() == ContactPoint.ContactPointSystem.EMAIL)
                .filter(c -> c.getUse() != ContactPoint.ContactPointUse.OLD)
                .filter(c -> current(c.hasPeriod() ? c.getPeriod() : null, now))
                .filter(c -> valid(c.getValue()))
                .min(Comparator.comparingInt(ClinicianContacts::useOrder)
                        .thenComparingInt(c -> c.hasRank() ? c.getRank() : Integer.MAX_VALUE))
                .map(c -> c.getValue().strip());
    }

    private static int useOrder(ContactPoint c) {
        if (c.getUse() == ContactPoint.ContactPointUse.WORK) {
            return 0;
        }
        return c.getUse() == null || c.getUse() == ContactPoint.ContactPointUse.NULL ? 1 : 2;
    }

    private static boolean current(Period period, Instant now) {
        if (period == null) {
            return true;
        }
        if (period.hasStart() && period.getStart().toInstant().isAfter(now)) {
            return false;
        }
        return !period.hasEnd() || period.getEnd().toInstant().isAfter(now);
    }

    private static boolean valid(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String address = value.strip();
        if (address.regionMatches(true, 0, "mailto:", 0, 7)) {
            return false;
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            return parsed.getAddress().equals(address) && address.contains("@");
        } catch (AddressException e) {
            return false;
        }
    }

    /**
     * The e-mail address of a registered clinician, or why there is none. Immutable.
     *
     * @param clinicianReference the reference looked up (as in the notice), possibly empty
     * @param address the address, or empty when there is none
     * @param reason why there is no address (for the message and the log), or empty when there is one
     */
    public record Contact(String clinicianReference, String address, String reason) {

        public Contact {
            Objects.requireNonNull(clinicianReference, "clinicianReference");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(reason, "reason");
            if (address.isEmpty() == reason.isEmpty()) {
                throw new IllegalArgumentException("a contact has either an address or a reason");
            }
        }

        static Contact of(String reference, String address) {
            return new Contact(reference, address, "");
        }

        static Contact none(String reference, String reason) {
            return new Contact(reference, "", reason);
        }

        /** Whether an address was found. */
        public boolean found() {
            return !address.isEmpty();
        }
    }
}

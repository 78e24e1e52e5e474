package org.disclosureguard.notification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.Period;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which of a clinician's contact points is their e-mail address, and what happens when the practice server cannot be
 * asked (WireMock standing in for a practice server that is down, overloaded or slow). The happy paths against the
 * real practice server are in {@code ClinicianContactsIT}.
 */
class ClinicianContactsTest {

    private static final Instant NOW = Disclosures.T0;

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ClinicianContacts contacts(Duration timeout) {
        return new ClinicianContacts(URI.create("http://127.0.0.1:" + server.port() + "/fhir"),
                HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), timeout, Map.of(),
                Duration.ofMinutes(5), 100, new Disclosures.MutableClock(NOW), Ticker.systemTicker());
    }

    private static ContactPoint email(String value, ContactPointUse use) {
        ContactPoint c = new ContactPoint().setSystem(ContactPointSystem.EMAIL).setValue(value);
        return use == null ? c : c.setUse(use);
    }

    @Test
    void bestEmail_prefersWork_thenUnstated_thenOtherUses() {
        List<ContactPoint> telecom = List.of(email("home@example.org", ContactPointUse.HOME),
                email("plain@gp.example", null), email("work@gp.example", ContactPointUse.WORK),
                new ContactPoint().setSystem(ContactPointSystem.PHONE).setValue("0113 496 0000"));

        assertThat(ClinicianContacts.bestEmail(telecom, NOW)).contains("work@gp.example");
        assertThat(ClinicianContacts.bestEmail(telecom.subList(0, 2), NOW)).contains("plain@gp.example");
        assertThat(ClinicianContacts.bestEmail(telecom.subList(0, 1), NOW)).contains("home@example.org");
    }

    @Test
    void bestEmail_neverUsesAnOldOrEndedOrNotYetStartedOrMalformedAddress() {
        List<ContactPoint> telecom = List.of(email("old@gp.example", ContactPointUse.OLD),
                email("ended@gp.example", ContactPointUse.WORK).setPeriod(new Period()
                        .setEnd(Date.from(NOW.minusSeconds(60)))),
                email("future@gp.example", ContactPointUse.WORK).setPeriod(new Period()
                        .setStart(Date.from(NOW.plusSeconds(3600)))),
                email("not an address", ContactPointUse.WORK),
                email("mailto:x@gp.example", ContactPointUse.WORK),
                new ContactPoint().setSystem(ContactPointSystem.PHONE).setValue("x@gp.example"));

        assertThat(ClinicianContacts.bestEmail(telecom, NOW)).isEmpty();
    }

    @Test
    void bestEmail_amongWorkAddresses_takesTheLowestRank_thenTheFirst() {
        List<ContactPoint> telecom = List.of(email("first@gp.example", ContactPointUse.WORK),
                email("ranked-2@gp.example", ContactPointUse.WORK).setRank(2),
                email("ranked-1@gp.example", ContactPointUse.WORK).setRank(1),
                email("current@gp.example", ContactPointUse.WORK).setRank(1).setPeriod(new Period()
                        .setStart(Date.from(NOW.minusSeconds(60))).setEnd(Date.from(NOW.plusSeconds(60)))));

        assertThat(ClinicianContacts.bestEmail(telecom, NOW)).contains("ranked-1@gp.example");
        assertThat(ClinicianContacts.bestEmail(List.of(telecom.get(0), email("second@gp.example",
                ContactPointUse.WORK)), NOW)).contains("first@gp.example");
    }

    @Test
    void noClinician_orAnOrganisation_fallsBackWithoutAskingTheServer() throws Exception {
        ClinicianContacts contacts = contacts(Duration.ofSeconds(2));

        ClinicianContacts.Contact none = contacts.lookUp("");
        ClinicianContacts.Contact organisation = contacts.lookUp("Organization/Y12345");

        assertThat(none.found()).isFalse();
        assertThat(none.reason()).contains("no registered clinician");
        assertThat(organisation.found()).isFalse();
        assertThat(organisation.reason()).contains("Organization/Y12345").contains("organisation");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void serverUnavailableWithRetryAfter_isARetryableFailureCarryingTheWait_andIsNotCached() throws Exception {
        server.stubFor(get(urlPathMatching("/fhir/Practitioner/.*")).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "30")));
        ClinicianContacts contacts = contacts(Duration.ofSeconds(2));

        assertThatThrownBy(() -> contacts.lookUp("Practitioner/gp-1"))
                .isInstanceOfSatisfying(DeliveryException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(30)))
                .hasMessageContaining("HTTP 503").hasMessageContaining("Practitioner/gp-1");

        server.resetAll();
        server.stubFor(get(urlPathMatching("/fhir/Practitioner/.*")).willReturn(aResponse().withStatus(404)));
        ClinicianContacts.Contact gone = contacts.lookUp("Practitioner/gp-1");
        assertThat(gone.found()).isFalse();
        assertThat(gone.reason()).contains("not on the practice's FHIR server");
    }

    @Test
    void serverError_orUnreadableBody_isARetryableFailure() {
        server.stubFor(get("/fhir/Practitioner/gp-500").willReturn(aResponse().withStatus(500)));
        server.stubFor(get("/fhir/Practitioner/gp-junk").willReturn(aResponse().withStatus(200)
                .withBody("<html>login</html>")));
        ClinicianContacts contacts = contacts(Duration.ofSeconds(2));

        assertThatThrownBy(() -> contacts.lookUp("Practitioner/gp-500")).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("HTTP 500");
        assertThatThrownBy(() -> contacts.lookUp("Practitioner/gp-junk")).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("not a Practitioner");
        assertThat(contacts.cache().estimatedSize()).isZero();
    }

    @Test
    void slowServer_isATimeoutFailure() {
        server.stubFor(get("/fhir/PractitionerRole/slow").willReturn(aResponse().withStatus(200)
                .withFixedDelay(3_000).withBody("{\"resourceType\":\"PractitionerRole\",\"id\":\"slow\"}")));
        ClinicianContacts contacts = contacts(Duration.ofMillis(300));

        assertThatThrownBy(() -> contacts.lookUp("PractitionerRole/slow")).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("did not answer within 300 ms");
    }

    @Test
    void serverDown_isARetryableFailure() throws Exception {
        int port = server.port();
        server.stop();
        ClinicianContacts contacts = new ClinicianContacts(URI.create("http://127.0.0.1:" + port + "/fhir"),
                HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), Duration.ofSeconds(2),
                Map.of(), Duration.ofMinutes(5), 100, new Disclosures.MutableClock(NOW), Ticker.systemTicker());

        assertThatThrownBy(() -> contacts.lookUp("Practitioner/gp-1")).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void aRedirect_isNotFollowed_soNoOtherHostIsAsked() {
        server.stubFor(get("/fhir/Practitioner/moved").willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://203.0.113.9/fhir/Practitioner/moved")));
        ClinicianContacts contacts = contacts(Duration.ofSeconds(2));

        assertThatThrownBy(() -> contacts.lookUp("Practitioner/moved")).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("HTTP 302");
        server.verify(1, getRequestedFor(urlPathMatching("/fhir/Practitioner/moved")));
    }

    @Test
    void aClientThatFollowsRedirects_orAnUnboundedCache_isRefused() {
        URI base = URI.create("http://127.0.0.1:" + server.port() + "/fhir");
        assertThatThrownBy(() -> new ClinicianContacts(base, HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL).build(), Duration.ofSeconds(1), Map.of(),
                Duration.ofMinutes(5), 100, new Disclosures.MutableClock(NOW), Ticker.systemTicker()))
                .hasMessageContaining("DG-6017");
        assertThatThrownBy(() -> new ClinicianContacts(base, HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER).build(), Duration.ofSeconds(1), Map.of(),
                Duration.ZERO, 100, new Disclosures.MutableClock(NOW), Ticker.systemTicker()))
                .hasMessageContaining("DG-6013");
    }

    @Test
    void aReferenceThatIsNotAClinician_isNotLookedUp() throws Exception {
        ClinicianContacts contacts = contacts(Duration.ofSeconds(2));

        for (String reference : java.util.List.of("Practitioner/../../admin", "Practitioner/..", "PractitionerRole/.",
                "Practitioner/a/../b", "Patient/p1", "https://elsewhere.example/Practitioner/x")) {
            ClinicianContacts.Contact odd = contacts.lookUp(reference);

            assertThat(odd.found()).as(reference).isFalse();
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }
}

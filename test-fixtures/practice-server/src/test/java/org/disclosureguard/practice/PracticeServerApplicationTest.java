package org.disclosureguard.practice;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Boots the real practice server in this JVM on a free port, once for the class, and talks FHIR to
 * it over HTTP.
 */
class PracticeServerApplicationTest {

    private static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private static ConfigurableApplicationContext server;
    private static URI baseUrl;
    private static IGenericClient client;

    @BeforeAll
    static void startServer() {
        server = PracticeServerApplication.start("--server.port=0");
        baseUrl = PracticeServerApplication.baseUrl(server);
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = FHIR.newRestfulGenericClient(baseUrl.toString());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void baseUrl_isOnLoopbackAtFhirPath() {
        assertThat(baseUrl.toString()).matches("http://127\\.0\\.0\\.1:\\d+/fhir");
    }

    @Test
    void putPatient_withNhsNumberAsId_isReadBackWithIdentifierAndAddress() {
        client.update().resource(patient("9000000009", "Smith", "LS1 6AE")).execute();

        Patient read = client.read().resource(Patient.class).withId("9000000009").execute();

        assertThat(read.getIdElement().getIdPart()).isEqualTo("9000000009");
        assertThat(read.getIdentifierFirstRep().getSystem()).isEqualTo(NHS_NUMBER_SYSTEM);
        assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo("9000000009");
        assertThat(read.getAddressFirstRep().getPostalCode()).isEqualTo("LS1 6AE");
    }

    @Test
    void searchByNhsNumberIdentifier_findsOnlyThatPatient() {
        client.update().resource(patient("9000000017", "Jones", "M1 1AE")).execute();
        client.update().resource(patient("9000000025", "Jones", "M1 1AE")).execute();

        Bundle found = search("Patient?identifier=" + NHS_NUMBER_SYSTEM + "%7C9000000017");

        assertThat(ids(found)).containsExactly("9000000017");
    }

    @Test
    void searchWithUnencodedPipeInTokenParameter_isAccepted() throws Exception {
        client.update().resource(patient("9000000076", "Pipe", "LS1 4AP")).execute();
        String request = "GET /fhir/Patient?identifier=" + NHS_NUMBER_SYSTEM + "|9000000076 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + baseUrl.getPort() + "\r\nAccept: application/fhir+json\r\n"
                + "Connection: close\r\n\r\n";

        String response;
        try (Socket socket = new Socket("127.0.0.1", baseUrl.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(response).startsWith("HTTP/1.1 200").contains("\"id\":\"9000000076\"");
    }

    @Test
    void searchByPostcode_findsThePatientsLivingThere() {
        client.update().resource(patient("9000000033", "Evans", "CF10 1EP")).execute();
        client.update().resource(patient("9000000041", "Hughes", "CF10 1EP")).execute();
        client.update().resource(patient("9000000068", "Price", "SA1 1NW")).execute();

        Bundle found = search("Patient?address-postalcode=CF10%201EP");

        assertThat(ids(found)).containsExactlyInAnyOrder("9000000033", "9000000041");
    }

    @Test
    void searchWithCount_returnsThatManyAndANextLinkUnderTheServerBase() {
        for (int i = 1; i <= 3; i++) {
            client.update().resource(patient("pager-" + i, "Pager", "LS2 7UE")).execute();
        }

        Bundle firstPage = search("Patient?family=Pager&_count=2");
        Bundle secondPage = client.loadPage().next(firstPage).execute();

        assertThat(firstPage.getTotal()).isEqualTo(3);
        assertThat(firstPage.getEntry()).hasSize(2);
        assertThat(firstPage.getLink(Bundle.LINK_NEXT).getUrl()).startsWith(baseUrl + "?");
        assertThat(secondPage.getEntry()).hasSize(1);
        assertThat(secondPage.getLink(Bundle.LINK_NEXT)).isNull();
    }

    @Test
    void searchWithoutCount_returnsFiftyAndLargerCountsAreHonoured() {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 1; i <= 60; i++) {
            Patient bulk = patient("bulk-" + i, "Bulk", "BS1 5TR");
            transaction.addEntry().setResource(bulk).getRequest()
                    .setMethod(HTTPVerb.PUT).setUrl("Patient/bulk-" + i);
        }
        client.transaction().withBundle(transaction).execute();

        Bundle defaultPage = search("Patient?family=Bulk");
        Bundle largePage = search("Patient?family=Bulk&_count=60");

        assertThat(defaultPage.getEntry()).hasSize(50);
        assertThat(defaultPage.getLink(Bundle.LINK_NEXT)).isNotNull();
        assertThat(largePage.getEntry()).hasSize(60);
        assertThat(largePage.getLink(Bundle.LINK_NEXT)).isNull();
    }

    @Test
    void linksFollowTheHostTheClientUsed_localhostStaysLocalhost() throws Exception {
        client.update().resource(patient("host-1", "Hostname", "YO1 7HH")).execute();
        client.update().resource(patient("host-2", "Hostname", "YO1 7HH")).execute();
        URI viaLocalhost = URI.create(
                "http://localhost:" + baseUrl.getPort() + "/fhir/Patient?family=Hostname&_count=1");

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(viaLocalhost).header("Accept", "application/fhir+json").build(),
                HttpResponse.BodyHandlers.ofString());
        Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, response.body());

        String localhostBase = "http://localhost:" + baseUrl.getPort() + "/fhir";
        assertThat(page.getLink(Bundle.LINK_NEXT).getUrl()).startsWith(localhostBase + "?");
        assertThat(page.getEntryFirstRep().getFullUrl()).startsWith(localhostBase + "/Patient/host-");
    }

    @Test
    void transactionBundle_withReferencesBetweenEntries_loadsEveryEntry() {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.addEntry().setResource(patient("dg-tx-1", "Transact", "NE1 4ST"))
                .getRequest().setMethod(HTTPVerb.PUT).setUrl("Patient/dg-tx-1");
        Patient posted = patient(null, "Transact", "NE1 4ST");
        transaction.addEntry().setFullUrl("urn:uuid:3f1c8f0e-1d9b-4f57-9a7e-2f1f0b6d3c11")
                .setResource(posted).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("Body weight");
        observation.setSubject(new Reference("urn:uuid:3f1c8f0e-1d9b-4f57-9a7e-2f1f0b6d3c11"));
        transaction.addEntry().setResource(observation)
                .getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");

        Bundle response = client.transaction().withBundle(transaction).execute();

        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(response.getEntry())
                .extracting(entry -> entry.getResponse().getStatus())
                .allMatch(status -> status.startsWith("200") || status.startsWith("201"))
                .hasSize(3);
        assertThat(ids(search("Patient?family=Transact"))).hasSize(2).contains("dg-tx-1");
        Bundle observations = search("Observation?subject.family=Transact");
        assertThat(observations.getEntry()).hasSize(1);
    }

    private static Bundle search(String relativeUrl) {
        return client.search().byUrl(baseUrl + "/" + relativeUrl).returnBundle(Bundle.class).execute();
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .map(resource -> resource.getIdElement().getIdPart())
                .toList();
    }

    private static Patient patient(String id, String family, String postcode) {
        Patient patient = new Patient();
        if (id != null) {
            patient.setId(id);
        }
        if (id != null && id.matches("\\d{10}")) {
            patient.addIdentifier().setSystem(NHS_NUMBER_SYSTEM).setValue(id);
        }
        patient.addName().setFamily(family).addGiven("Test");
        patient.addAddress().setUse(Address.AddressUse.HOME).addLine("1 High Street")
                .setPostalCode(postcode);
        return patient;
    }
}

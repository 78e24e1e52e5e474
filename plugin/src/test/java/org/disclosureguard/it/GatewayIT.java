package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.ModelLabeller;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.UnlabelledDemographics;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The guard in front of a real practice server (HAPI FHIR JPA on H2, loaded with the PDS sandbox patients, the
 * Synthea sample and 50 synthetic UK patients), called over HTTP as an integrator would.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
    }

    private String guardBase() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> security(JsonNode resource) {
        List<String> codes = new ArrayList<>();
        resource.path("meta").path("security").forEach(c -> codes.add(c.path("code").asText()));
        return codes;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void pdsPatient_readThroughTheGuard_isLabelledOnEveryDemographicElement() throws Exception {
        HttpResponse<String> response = get(guardBase() + "/Patient/9000000009");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/fhir+json"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode patient = JSON.readTree(response.body());
        assertThat(security(patient)).containsExactly("N", "PROCESSINLINELABEL");
        assertThat(new UnlabelledDemographics(FHIR).find(patient)).isEmpty();
        assertThat(patient.at("/address/0/extension").toString()).contains("LOCIS");
        assertThat(patient.at("/_birthDate/extension/0/valueCoding/code").asText()).isEqualTo("DOB");
    }

    @Test
    void patientFromTheGuard_equalsTheUpstreamCopyLabelledByTheReferenceLabeller() throws Exception {
        String upstream = get(PracticeServer.shared().baseUrl() + "/Patient/9000000009").body();
        Patient expected = FHIR.newJsonParser().parseResource(Patient.class, upstream);
        new ModelLabeller(FHIR, LabelConfiguration.defaults(FHIR)).label(expected);

        Patient actual = FHIR.newJsonParser().parseResource(Patient.class, get(guardBase() + "/Patient/9000000009").body());

        assertThat(actual.equalsDeep(expected)).isTrue();
    }

    @Test
    void restrictedPatient_keepsRestrictedAsItsHighWaterMark() throws Exception {
        JsonNode patient = JSON.readTree(get(guardBase() + "/Patient/9000000025").body());

        assertThat(security(patient)).contains("R").doesNotContain("N", "U");
    }

    @Test
    void syntheticPatients_restrictedAndVeryRestricted_keepTheirMarks() throws Exception {
        PracticeServer practice = PracticeServer.shared();
        Set<String> seen = new HashSet<>();
        for (Patient patient : practice.syntheticData().patients()) {
            String marked = patient.getMeta().getSecurity().stream()
                    .filter(c -> c.getSystem().endsWith("v3-Confidentiality")).map(c -> c.getCode())
                    .findFirst().orElse("N");
            if (!marked.equals("N") && seen.add(marked)) {
                JsonNode served = JSON.readTree(get(guardBase() + "/Patient/" + patient.getIdPart()).body());
                assertThat(security(served)).as(patient.getIdPart()).contains(marked, "PROCESSINLINELABEL");
            }
        }
        assertThat(seen).contains("R", "V");
    }

    @Test
    void searchByNhsNumber_findsThatPatient_labelled_withLinksOnTheGuard() throws Exception {
        JsonNode bundle = JSON.readTree(get(guardBase() + "/Patient?identifier=" + encode(NHS_NUMBER + "|9000000009")).body());

        assertThat(bundle.path("type").asText()).isEqualTo("searchset");
        assertThat(bundle.path("entry")).hasSize(1);
        assertThat(bundle.at("/entry/0/resource/id").asText()).isEqualTo("9000000009");
        assertThat(bundle.at("/entry/0/fullUrl").asText()).isEqualTo(guardBase() + "/Patient/9000000009");
        bundle.path("link").forEach(link -> assertThat(link.path("url").asText()).startsWith(guardBase()));
        assertThat(security(bundle.at("/entry/0/resource"))).contains("PROCESSINLINELABEL");
    }

    @Test
    void pagingThroughEveryPatient_staysOnTheGuard_andEveryPatientIsLabelled() throws Exception {
        UnlabelledDemographics check = new UnlabelledDemographics(FHIR);
        String next = guardBase() + "/Patient?_count=20";
        Set<String> ids = new HashSet<>();
        int pages = 0;
        while (next != null) {
            HttpResponse<String> response = get(next);
            assertThat(response.statusCode()).as(next).isEqualTo(200);
            JsonNode bundle = JSON.readTree(response.body());
            assertThat(check.find(bundle)).isEmpty();
            bundle.path("entry").forEach(e -> {
                ids.add(e.at("/resource/id").asText());
                assertThat(security(e.get("resource"))).contains("PROCESSINLINELABEL");
            });
            next = null;
            for (JsonNode link : bundle.path("link")) {
                assertThat(link.path("url").asText()).startsWith(guardBase());
                assertThat(link.path("url").asText()).doesNotContain(PracticeServer.shared().baseUrl().toString());
                if (link.path("relation").asText().equals("next")) {
                    next = link.path("url").asText();
                    assertThat(next).as("a page token issued by the guard, nothing of the practice server's")
                            .matches(java.util.regex.Pattern.quote(guardBase()) + "\\?_getpages=[A-Za-z0-9_-]{24}");
                }
            }
            pages++;
        }
        assertThat(pages).isGreaterThan(2);
        assertThat(ids).hasSizeGreaterThanOrEqualTo(PracticeServer.PATIENTS + 10).contains("9000000009", "dg-pat-0001");
    }

    @Test
    void includedPractitioners_areLabelledToo() throws Exception {
        JsonNode bundle = JSON.readTree(get(guardBase() + "/Patient?_id=dg-pat-0001&_include=Patient:general-practitioner").body());

        List<JsonNode> practitioners = new ArrayList<>();
        bundle.path("entry").forEach(e -> {
            if (e.at("/resource/resourceType").asText().equals("Practitioner")) {
                practitioners.add(e.get("resource"));
            }
        });
        assertThat(practitioners).isNotEmpty();
        practitioners.forEach(p -> assertThat(security(p)).contains("PROCESSINLINELABEL"));
        assertThat(new UnlabelledDemographics(FHIR).find(bundle)).isEmpty();
    }

    @Test
    void relatedPersons_areLabelled() throws Exception {
        JsonNode bundle = JSON.readTree(get(guardBase() + "/RelatedPerson?_count=50").body());

        assertThat(bundle.path("entry").size()).isGreaterThan(0);
        assertThat(new UnlabelledDemographics(FHIR).find(bundle)).isEmpty();
    }

    @Test
    void resourcesWithoutDemographics_passThroughUnchanged() throws Exception {
        String id = PracticeServer.shared().syntheticData().encounters().get(0).getIdPart();
        JsonNode direct = JSON.readTree(get(PracticeServer.shared().baseUrl() + "/Encounter/" + id).body());

        JsonNode viaGuard = JSON.readTree(get(guardBase() + "/Encounter/" + id).body());

        assertThat(viaGuard).isEqualTo(direct);
    }

    @Test
    void missingPatient_is404WithTheGuardsOwnOutcome() throws Exception {
        HttpResponse<String> response = get(guardBase() + "/Patient/does-not-exist");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("DG-1101").doesNotContain("HAPI-");
    }

    @Test
    void capabilityStatement_describesTheGuard_andOffersNoWrites() throws Exception {
        JsonNode statement = JSON.readTree(get(guardBase() + "/metadata").body());

        assertThat(statement.at("/software/name").asText()).isEqualTo("Disclosure Guard");
        List<String> patientInteractions = new ArrayList<>();
        for (JsonNode resource : statement.at("/rest/0/resource")) {
            if (resource.path("type").asText().equals("Patient")) {
                resource.path("interaction").forEach(i -> patientInteractions.add(i.path("code").asText()));
            }
        }
        assertThat(patientInteractions).containsExactlyInAnyOrder("read", "search-type");
    }
}

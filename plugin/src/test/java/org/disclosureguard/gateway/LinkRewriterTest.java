package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rebasing the practice server's URLs in bundles onto the guard's base, and dropping every other URL. */
class LinkRewriterTest {

    private static final String UPSTREAM = "http://127.0.0.1:8090/fhir";
    private static final String GUARD = "https://guard.practice.nhs.uk/fhir";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    // ---- rebase rules ----

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8090/fhir, https://guard.practice.nhs.uk/fhir",
        "http://127.0.0.1:8090/fhir/, https://guard.practice.nhs.uk/fhir/",
        "http://127.0.0.1:8090/fhir/Patient/9000000009, https://guard.practice.nhs.uk/fhir/Patient/9000000009",
        "http://127.0.0.1:8090/fhir?_getpages=abc&_getpagesoffset=20, https://guard.practice.nhs.uk/fhir?_getpages=abc&_getpagesoffset=20",
        "http://127.0.0.1:8090/fhir/Patient?family=Smith&_count=20, https://guard.practice.nhs.uk/fhir/Patient?family=Smith&_count=20",
    })
    void rebase_urlOnTheUpstreamBase_movesToTheGuardBase(String url, String expected) {
        assertThat(LinkRewriter.rebase(url, UPSTREAM, GUARD)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:80900/fhir",
        "http://127.0.0.1:80900/fhir/Patient/1",
        "http://127.0.0.1:8090/fhirX",
        "http://127.0.0.1:8090/fhirX/Patient/1",
        "http://127.0.0.1:8090/fhir-admin/Patient/1",
        "http://127.0.0.1:8090/fhir@evil.example/Patient/1",
        "http://127.0.0.1:8090/fhir#Patient",
        "http://127.0.0.1:8090/fhi",
        "http://127.0.0.1:8090",
        "https://127.0.0.1:8090/fhir/Patient/1",
        "http://127.0.0.2:8090/fhir/Patient/1",
        "http://evil.example/http://127.0.0.1:8090/fhir/Patient/1",
        "urn:uuid:5b9c6b5e-6a63-4b36-9f8e-8e0e1d0b2a11",
        "Patient/1",
        "",
    })
    void rebase_urlNotOnTheUpstreamBase_isDropped(String url) {
        assertThat(LinkRewriter.rebase(url, UPSTREAM, GUARD)).isNull();
    }

    @Test
    void rebase_nullUrl_isDropped() {
        assertThat(LinkRewriter.rebase(null, UPSTREAM, GUARD)).isNull();
    }

    @Test
    void rebase_anyUrl_isDroppedOrKeepsItsTailOnTheGuardBase() {
        Random random = new Random(20260203L);
        String[] heads = {UPSTREAM, UPSTREAM + "0", "http://127.0.0.1:80900/fhir", "http://127.0.0.1:8090/fhi",
            "http://127.0.0.1:8090", "https://127.0.0.1:8090/fhir", "http://localhost:8090/fhir", GUARD, ""};
        String[] pieces = {"/", "?", "#", "@", "X", "Patient", "1", "&", "=", "_getpages", "..", "%2F", "//", ":", " "};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder url = new StringBuilder(heads[random.nextInt(heads.length)]);
            int length = random.nextInt(6);
            for (int j = 0; j < length; j++) {
                url.append(pieces[random.nextInt(pieces.length)]);
            }
            String input = url.toString();

            String rebased = LinkRewriter.rebase(input, UPSTREAM, GUARD);

            boolean onBase = input.equals(UPSTREAM) || input.startsWith(UPSTREAM + "/") || input.startsWith(UPSTREAM + "?");
            if (onBase) {
                assertThat(rebased).as(input).isEqualTo(GUARD + input.substring(UPSTREAM.length()));
            } else {
                assertThat(rebased).as(input).isNull();
            }
        }
    }

    // ---- bundles ----

    @Test
    void rewrite_searchsetLinks_areRebasedAndForeignLinksRemoved() throws Exception {
        ObjectNode bundle = json("""
                {"resourceType":"Bundle","type":"searchset","link":[
                  {"relation":"self","url":"http://127.0.0.1:8090/fhir/Patient?family=Smith"},
                  {"relation":"next","url":"http://127.0.0.1:8090/fhir?_getpages=abc&_getpagesoffset=20"},
                  {"relation":"previous","url":"http://other.example/fhir?_getpages=abc"},
                  {"relation":"last","url":"http://127.0.0.1:80900/fhir?_getpages=abc"},
                  {"relation":"first"}
                ]}""");

        LinkRewriter.rewrite(bundle, UPSTREAM, GUARD);

        assertThat(links(bundle)).containsExactly(
                "self " + GUARD + "/Patient?family=Smith",
                "next " + GUARD + "?_getpages=abc&_getpagesoffset=20");
    }

    @Test
    void rewrite_fullUrls_areRebasedOrRebuiltFromTypeAndIdOrRemoved() throws Exception {
        ObjectNode bundle = json("""
                {"resourceType":"Bundle","type":"searchset","entry":[
                  {"fullUrl":"http://127.0.0.1:8090/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1"}},
                  {"fullUrl":"http://other.example/fhir/Patient/2","resource":{"resourceType":"Patient","id":"2"}},
                  {"fullUrl":"http://127.0.0.1:8090/fhirX/Practitioner/3","resource":{"resourceType":"Practitioner","id":"3"}},
                  {"fullUrl":"http://other.example/fhir/Patient/4","resource":{"resourceType":"Patient"}},
                  {"fullUrl":"http://other.example/fhir/Patient/5"},
                  {"resource":{"resourceType":"Patient","id":"6"}}
                ]}""");

        LinkRewriter.rewrite(bundle, UPSTREAM, GUARD);

        JsonNode entries = bundle.get("entry");
        assertThat(entries.get(0).get("fullUrl").asText()).isEqualTo(GUARD + "/Patient/1");
        assertThat(entries.get(1).get("fullUrl").asText()).isEqualTo(GUARD + "/Patient/2");
        assertThat(entries.get(2).get("fullUrl").asText()).isEqualTo(GUARD + "/Practitioner/3");
        assertThat(entries.get(3).has("fullUrl")).isFalse();
        assertThat(entries.get(4).has("fullUrl")).isFalse();
        assertThat(entries.get(5).has("fullUrl")).isFalse();
        assertThat(entries.get(5).get("resource").get("id").asText()).isEqualTo("6");
    }

    @Test
    void rewrite_nestedBundles_areRewrittenToo() throws Exception {
        ObjectNode bundle = json("""
                {"resourceType":"Bundle","type":"searchset",
                 "link":[{"relation":"self","url":"http://127.0.0.1:8090/fhir/Bundle"}],
                 "entry":[{"fullUrl":"http://127.0.0.1:8090/fhir/Bundle/b1","resource":
                   {"resourceType":"Bundle","id":"b1","type":"collection",
                    "link":[{"relation":"self","url":"http://127.0.0.1:8090/fhir/Bundle/b1"},
                            {"relation":"alternate","url":"http://other.example/Bundle/b1"}],
                    "entry":[{"fullUrl":"http://127.0.0.1:8090/fhir/Patient/7","resource":
                      {"resourceType":"Bundle","id":"b2","type":"collection",
                       "entry":[{"fullUrl":"http://other.example/fhir/Patient/8",
                                 "resource":{"resourceType":"Patient","id":"8"}}]}}]}}]}""");

        LinkRewriter.rewrite(bundle, UPSTREAM, GUARD);

        JsonNode inner = bundle.at("/entry/0/resource");
        assertThat(links((ObjectNode) inner)).containsExactly("self " + GUARD + "/Bundle/b1");
        assertThat(inner.at("/entry/0/fullUrl").asText()).isEqualTo(GUARD + "/Patient/7");
        assertThat(inner.at("/entry/0/resource/entry/0/fullUrl").asText()).isEqualTo(GUARD + "/Patient/8");
        assertThat(MAPPER.writeValueAsString(bundle)).doesNotContain("127.0.0.1:8090").doesNotContain("other.example");
    }

    @Test
    void rewrite_aResourceThatIsNotABundle_isLeftAlone() throws Exception {
        String patient = """
                {"resourceType":"Patient","id":"1","link":[{"other":{"reference":"http://other.example/Patient/2"}}]}""";
        ObjectNode resource = json(patient);

        LinkRewriter.rewrite(resource, UPSTREAM, GUARD);

        assertThat(resource).isEqualTo(json(patient));
    }

    @Test
    void rewrite_entriesThatAreNotObjects_areSkipped() throws Exception {
        ObjectNode bundle = json("""
                {"resourceType":"Bundle","type":"searchset","entry":[null, 3,
                  {"fullUrl":"http://127.0.0.1:8090/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}""");

        LinkRewriter.rewrite(bundle, UPSTREAM, GUARD);

        assertThat(bundle.at("/entry/2/fullUrl").asText()).isEqualTo(GUARD + "/Patient/1");
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) MAPPER.readTree(text);
    }

    private static List<String> links(ObjectNode bundle) {
        List<String> links = new ArrayList<>();
        for (JsonNode link : bundle.path("link")) {
            links.add(link.path("relation").asText() + " " + link.path("url").asText());
        }
        return links;
    }

    @Test
    void rewrite_dropsLinksOffTheUpstreamBase_andCountsThem() throws Exception {
        ObjectNode bundle = json("""
                {"resourceType":"Bundle","type":"searchset","link":[
                  {"relation":"self","url":"http://127.0.0.1:8090/fhir/Patient"},
                  {"relation":"next","url":"http://localhost:8090/fhir?_getpages=abc"}]}""");

        int dropped = LinkRewriter.rewrite(bundle, UPSTREAM, GUARD);

        assertThat(dropped).isEqualTo(1);
        assertThat(links(bundle)).containsExactly("self " + GUARD + "/Patient");
    }

    @Test
    void rewrite_absoluteReferencesToTheUpstream_anywhereInAResource_areRebased() throws Exception {
        ObjectNode patient = json("""
                {"resourceType":"Patient","id":"p1",
                 "generalPractitioner":[{"reference":"http://127.0.0.1:8090/fhir/Practitioner/gp1"},
                                        {"reference":"Practitioner/gp2"},
                                        {"reference":"https://other.example/fhir/Practitioner/gp3"}],
                 "contained":[{"resourceType":"RelatedPerson","id":"r","patient":{"reference":"http://127.0.0.1:8090/fhir/Patient/p1"}}]}""");

        LinkRewriter.rewrite(patient, UPSTREAM, GUARD);

        assertThat(patient.at("/generalPractitioner/0/reference").asText()).isEqualTo(GUARD + "/Practitioner/gp1");
        assertThat(patient.at("/generalPractitioner/1/reference").asText()).isEqualTo("Practitioner/gp2");
        assertThat(patient.at("/generalPractitioner/2/reference").asText())
                .isEqualTo("https://other.example/fhir/Practitioner/gp3");
        assertThat(patient.at("/contained/0/patient/reference").asText()).isEqualTo(GUARD + "/Patient/p1");
    }

    @Test
    void rewrite_entryLinksAndResponseLocations_areRebased() throws Exception {
        ObjectNode bundle = json("""
                {"resourceType":"Bundle","type":"searchset","entry":[
                  {"link":[{"relation":"alternate","url":"http://127.0.0.1:8090/fhir/Patient/1/_history/2"}],
                   "response":{"status":"200","location":"http://127.0.0.1:8090/fhir/Patient/1/_history/2"}}]}""");

        LinkRewriter.rewrite(bundle, UPSTREAM, GUARD);

        assertThat(bundle.at("/entry/0/link/0/url").asText()).isEqualTo(GUARD + "/Patient/1/_history/2");
        assertThat(bundle.at("/entry/0/response/location").asText()).isEqualTo(GUARD + "/Patient/1/_history/2");
    }
}

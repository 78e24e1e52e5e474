package org.disclosureguard.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeLabellerTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TreeLabeller DEFAULTS = new TreeLabeller(LabelConfiguration.defaults(FHIR));

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    private static List<String> labels(JsonNode element) {
        List<String> codes = new ArrayList<>();
        for (JsonNode ext : element.path("extension")) {
            if (Vocabulary.INLINE_LABEL_EXTENSION.equals(ext.path("url").asText())) {
                codes.add(ext.path("valueCoding").path("code").asText());
            }
        }
        return codes;
    }

    private static List<String> security(JsonNode resource) {
        List<String> codes = new ArrayList<>();
        resource.path("meta").path("security").forEach(c -> codes.add(c.path("code").asText()));
        return codes;
    }

    @Test
    void complexElements_getInlineLabels_andTheResourceGetsTheMarkerAndBaseline() throws Exception {
        ObjectNode patient = json("""
                {"resourceType":"Patient","id":"p1",
                 "name":[{"family":"Smith"}],
                 "address":[{"postalCode":"LS1 4AP"},{"city":"Leeds"}]}""");

        LabelCount count = DEFAULTS.label(patient);

        assertThat(labels(patient.at("/name/0"))).containsExactly("DEMO");
        assertThat(labels(patient.at("/address/0"))).containsExactly("DEMO", "LOCIS");
        assertThat(labels(patient.at("/address/1"))).containsExactly("DEMO", "LOCIS");
        assertThat(security(patient)).containsExactly("N", "PROCESSINLINELABEL");
        assertThat(count.resources()).isEqualTo(1);
        assertThat(count.elements()).isEqualTo(3);
    }

    @Test
    void primitiveElements_areLabelledThroughTheirUnderscoreSibling() throws Exception {
        ObjectNode patient = json("""
                {"resourceType":"Patient","birthDate":"1980-02-29","gender":"female",
                 "_gender":{"extension":[{"url":"http://example.org/other","valueString":"kept"}]}}""");

        DEFAULTS.label(patient);

        assertThat(patient.get("birthDate").asText()).isEqualTo("1980-02-29");
        assertThat(labels(patient.get("_birthDate"))).containsExactly("DOB");
        assertThat(labels(patient.get("_gender"))).containsExactly("GENDER");
        assertThat(patient.at("/_gender/extension/0/url").asText()).isEqualTo("http://example.org/other");
    }

    @Test
    void repeatingPrimitives_areLabelledIndexByIndex() throws Exception {
        LabelPlan plan = LabelConfiguration.compile(FHIR, "t.yaml", """
                version: 1
                rules:
                  - {id: given, path: Patient.name.given, labels: [DEMO]}
                """);
        ObjectNode patient = json("""
                {"resourceType":"Patient","name":[{"given":["Ann","Marie"],"_given":[null,{"id":"g2"}]}]}""");

        new TreeLabeller(plan).label(patient);

        JsonNode siblings = patient.at("/name/0/_given");
        assertThat(siblings.size()).isEqualTo(2);
        assertThat(labels(siblings.get(0))).containsExactly("DEMO");
        assertThat(labels(siblings.get(1))).containsExactly("DEMO");
        assertThat(siblings.get(1).path("id").asText()).isEqualTo("g2");
    }

    @Test
    void simpleExtension_isLabelledOnItsValue_notBesideIt() throws Exception {
        ObjectNode patient = json("""
                {"resourceType":"Patient","extension":[
                  {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"country":"NG"}},
                  {"url":"http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired","valueBoolean":true}]}""");

        DEFAULTS.label(patient);

        JsonNode birthPlace = patient.at("/extension/0");
        assertThat(labels(birthPlace)).isEmpty();
        assertThat(labels(birthPlace.get("valueAddress"))).containsExactly("NATIONALITY", "LOCIS");
        assertThat(labels(patient.at("/extension/1/_valueBoolean"))).containsExactly("LANGUAGE");
    }

    @Test
    void complexExtension_isLabelledOnTheValuesOfItsSubExtensions() throws Exception {
        ObjectNode patient = json("""
                {"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-nationality",
                  "extension":[{"url":"code","valueCodeableConcept":{"text":"Ghanaian"}},
                               {"url":"period","valuePeriod":{"start":"2001"}}]}]}""");

        DEFAULTS.label(patient);

        JsonNode nationality = patient.at("/extension/0");
        assertThat(nationality.get("extension")).hasSize(2);
        assertThat(labels(nationality.at("/extension/0/valueCodeableConcept"))).containsExactly("NATIONALITY");
        assertThat(labels(nationality.at("/extension/1/valuePeriod"))).containsExactly("NATIONALITY");
    }

    @Test
    void labellingTwice_changesNothingTheSecondTime() throws Exception {
        ObjectNode patient = json(org.disclosureguard.testsupport.SharedData.read("pds/Patient.json"));
        DEFAULTS.label(patient);
        ObjectNode once = patient.deepCopy();

        LabelCount second = DEFAULTS.label(patient);

        assertThat(patient).isEqualTo(once);
        assertThat(second.elements()).isZero();
    }

    @Test
    void restrictedPatient_keepsRAsItsHighWaterMark() throws Exception {
        ObjectNode patient = json(org.disclosureguard.testsupport.SharedData.read("pds/Sensitive_Patient.json"));

        DEFAULTS.label(patient);

        assertThat(security(patient)).contains("R").doesNotContain("N");
        assertThat(patient.at("/meta/security").findValuesAsText("system"))
                .filteredOn(Vocabulary.CONFIDENTIALITY::equals).hasSize(1);
    }

    @Test
    void veryRestrictedPatient_keepsV_evenWhenAnElementRaisesToR() throws Exception {
        LabelPlan plan = LabelConfiguration.compile(FHIR, "t.yaml", """
                version: 1
                rules:
                  - {id: address, path: Patient.address, labels: [LOCIS], confidentiality: R}
                """);
        ObjectNode patient = json("""
                {"resourceType":"Patient","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"V"}]},
                 "address":[{"city":"Leeds"}]}""");

        new TreeLabeller(plan).label(patient);

        assertThat(security(patient)).containsExactly("V", "PROCESSINLINELABEL");
        assertThat(labels(patient.at("/address/0"))).containsExactly("LOCIS", "R");
    }

    @Test
    void elementConfidentiality_raisesANormalRecord() throws Exception {
        LabelPlan plan = LabelConfiguration.compile(FHIR, "t.yaml", """
                version: 1
                rules:
                  - {id: address, path: Patient.address, labels: [LOCIS], confidentiality: R}
                """);
        ObjectNode withAddress = json("{\"resourceType\":\"Patient\",\"address\":[{\"city\":\"Leeds\"}]}");
        ObjectNode without = json("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"X\"}]}");

        new TreeLabeller(plan).label(withAddress);
        new TreeLabeller(plan).label(without);

        assertThat(security(withAddress)).containsExactly("R", "PROCESSINLINELABEL");
        assertThat(security(without)).containsExactly("N");
    }

    @Test
    void unknownConfidentialityCode_failsClosedToVeryRestricted() throws Exception {
        ObjectNode patient = json("""
                {"resourceType":"Patient","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"SECRET"}]}}""");

        DEFAULTS.label(patient);

        assertThat(security(patient)).containsExactly("V");
    }

    @Test
    void otherSecurityCodes_areKeptInOrder() throws Exception {
        ObjectNode patient = json("""
                {"resourceType":"Patient","meta":{"security":[
                  {"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HTEST"},
                  {"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"L"},
                  {"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PROCESSINLINELABEL"}]},
                 "name":[{"family":"X"}]}""");

        DEFAULTS.label(patient);

        assertThat(security(patient)).containsExactly("HTEST", "N", "PROCESSINLINELABEL");
    }

    @Test
    void nestedResources_inBundlesContainedAndParameters_areLabelled() throws Exception {
        ObjectNode bundle = json("""
                {"resourceType":"Bundle","type":"searchset","entry":[
                  {"resource":{"resourceType":"Observation","id":"o1","contained":[
                      {"resourceType":"Patient","id":"c1","name":[{"family":"Contained"}]}]}},
                  {"resource":{"resourceType":"Bundle","type":"collection","entry":[
                      {"resource":{"resourceType":"RelatedPerson","id":"r1","telecom":[{"value":"07700 900123"}]}}]}},
                  {"resource":{"resourceType":"Parameters","parameter":[{"name":"p","part":[
                      {"name":"q","resource":{"resourceType":"Practitioner","id":"gp","address":[{"city":"York"}]}}]}]}}]}""");

        LabelCount count = DEFAULTS.label(bundle);

        assertThat(labels(bundle.at("/entry/0/resource/contained/0/name/0"))).containsExactly("DEMO");
        assertThat(labels(bundle.at("/entry/1/resource/entry/0/resource/telecom/0"))).containsExactly("DEMO", "LOCIS");
        assertThat(labels(bundle.at("/entry/2/resource/parameter/0/part/0/resource/address/0"))).containsExactly("LOCIS");
        assertThat(bundle.at("/entry/0/resource").has("meta")).isFalse();
        assertThat(count.resources()).isEqualTo(3);
    }

    @Test
    void resourceTypesWithoutRules_areLeftUntouched() throws Exception {
        ObjectNode observation = json("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\"}");
        ObjectNode before = observation.deepCopy();

        DEFAULTS.label(observation);

        assertThat(observation).isEqualTo(before);
    }

    @Test
    void jsonThatIsNotAResource_isRefused() throws Exception {
        assertThatThrownBy(() -> DEFAULTS.label(json("{\"name\":[]}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULTS.label(json(
                "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":\"Patient/1\"}]}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void absurdNesting_isRefusedRatherThanOverflowingTheStack() throws Exception {
        String nested = "{\"resourceType\":\"Patient\"}";
        for (int i = 0; i < 40; i++) {
            nested = "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":" + nested + "}]}";
        }
        ObjectNode bundle = json(nested);

        assertThatThrownBy(() -> DEFAULTS.label(bundle)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested");
    }
}

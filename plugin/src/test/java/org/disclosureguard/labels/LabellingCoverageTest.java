package org.disclosureguard.labels;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.stream.Stream;
import org.disclosureguard.testsupport.Fixtures;
import org.disclosureguard.testsupport.SharedData;
import org.disclosureguard.testsupport.UnlabelledDemographics;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every demographic element of every fixture comes out of the default labelling with an inline label. */
class LabellingCoverageTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TreeLabeller LABELLER = new TreeLabeller(LabelConfiguration.defaults(FHIR));
    private static final UnlabelledDemographics CHECK = new UnlabelledDemographics(FHIR);

    @TestFactory
    Stream<DynamicTest> everyDemographicElement_ofEveryFixture_isLabelled() {
        return Fixtures.all(FHIR).entrySet().stream().map((Map.Entry<String, String> fixture) ->
                DynamicTest.dynamicTest(fixture.getKey(), () -> {
                    ObjectNode resource = (ObjectNode) JSON.readTree(fixture.getValue());

                    LABELLER.label(resource);

                    String serialized = JSON.writeValueAsString(resource);
                    assertThat(CHECK.find(JSON.readTree(serialized))).isEmpty();
                }));
    }

    @Test
    void theCoverageCheck_findsAnElementTheConfigurationForgot() throws Exception {
        LabelPlan withoutAddress = LabelConfiguration.compile(FHIR, "t.yaml", """
                version: 1
                rules:
                  - {id: name, path: Patient.name, labels: [DEMO]}
                """);
        ObjectNode patient = (ObjectNode) JSON.readTree(SharedData.read("pds/Patient.json"));

        new TreeLabeller(withoutAddress).label(patient);

        assertThat(CHECK.find(patient))
                .contains("Patient/9000000009.address[0]", "Patient/9000000009.birthDate",
                        "Patient/9000000009.telecom[1]",
                        "Patient/9000000009.extension('http://hl7.org/fhir/StructureDefinition/patient-birthPlace')")
                .doesNotContain("Patient/9000000009.name[0]");
    }

    @Test
    void everyPatientOfTheSyntheaSearchset_isMarkedForInlineLabels() throws Exception {
        ObjectNode bundle = (ObjectNode) JSON.readTree(Fixtures.all(FHIR).get("synthea/100 patients searchset"));

        LabelCount count = LABELLER.label(bundle);

        assertThat(count.resources()).isEqualTo(bundle.get("entry").size());
        bundle.get("entry").forEach(entry -> assertThat(entry.at("/resource/meta/security").toString())
                .contains("PROCESSINLINELABEL").contains("v3-Confidentiality"));
    }
}

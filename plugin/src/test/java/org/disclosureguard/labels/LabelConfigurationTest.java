package org.disclosureguard.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelConfigurationTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void defaults_compile_andLabelPatientRelatedPersonPractitionerAndLocation() {
        LabelPlan plan = LabelConfiguration.defaults(FHIR);

        assertThat(plan.labelledResourceTypes()).containsExactlyInAnyOrder("Patient", "RelatedPerson", "Practitioner",
                "Location");
        assertThat(plan.baseline()).isEqualTo(Confidentiality.N);
        assertThat(plan.rules()).extracting(r -> r.path().toFhirPath())
                .contains("Patient.address", "Patient.telecom", "Patient.name", "Patient.birthDate",
                        "Patient.identifier", "Patient.contact", "Patient.generalPractitioner",
                        "Patient.communication", "RelatedPerson.address", "Location.address", "Location.position");
    }

    @Test
    void typeRule_expandsToEveryPathOfThatDatatype() {
        LabelPlan plan = LabelConfiguration.compile(FHIR, "test.yaml", """
                version: 1
                rules:
                  - id: every-address
                    type: Address
                    in: [Patient]
                    labels: [LOCIS]
                """);

        assertThat(plan.rules()).extracting(r -> r.path().toFhirPath())
                .containsExactlyInAnyOrder("Patient.address", "Patient.contact.address");
    }

    @Test
    void confidentiality_onARule_isAddedAsAnInlineLabel() {
        LabelPlan plan = LabelConfiguration.compile(FHIR, "test.yaml", """
                version: 1
                rules:
                  - id: nationality
                    path: Patient.extension('http://hl7.org/fhir/StructureDefinition/patient-nationality')
                    labels: [NATIONALITY]
                    confidentiality: R
                """);

        assertThat(plan.rules().get(0).labels())
                .containsExactly(SecurityLabel.parse("NATIONALITY"), SecurityLabel.confidentiality(Confidentiality.R));
        assertThat(plan.rules().get(0).confidentiality()).isEqualTo(Confidentiality.R);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unknown label              | 5 | unknown label 'DEMOGRAPHIC'  | - {id: a, path: Patient.name, labels: [DEMOGRAPHIC]}
            unknown field              | 5 | unknown field 'lables'       | - {id: a, path: Patient.name, lables: [DEMO]}
            element that does not exist| 5 | Patient has no element 'nam' | - {id: a, path: Patient.nam, labels: [DEMO]}
            not a resource type        | 5 | 'Pateint' is not a FHIR R4   | - {id: a, path: Pateint.name, labels: [DEMO]}
            not a datatype             | 5 | 'Adress' is not a FHIR R4    | - {id: a, type: Adress, in: [Patient], labels: [DEMO]}
            both path and type         | 5 | exactly one of 'path' or     | - {id: a, path: Patient.name, type: HumanName, labels: [DEMO]}
            bad confidentiality        | 5 | unknown confidentiality 'X'  | - {id: a, path: Patient.name, labels: [DEMO], confidentiality: X}
            path after primitive       | 5 | cannot follow a primitive    | - {id: a, path: Patient.birthDate.value, labels: [DOB]}
            unreadable path            | 5 | cannot read the path         | - {id: a, path: 'Patient.name[0]', labels: [DEMO]}
            """)
    void invalidRule_isRefusedWithTheLineAndAClearReason(String what, int line, String expected, String rule) {
        String yaml = "# a label file\nversion: 1\nbaselineConfidentiality: N\nrules:\n  " + rule + "\n";

        assertThatThrownBy(() -> LabelConfiguration.compile(FHIR, "labels.yaml", yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("labels.yaml:" + line + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void duplicateRuleId_isRefusedAtTheSecondRule() {
        String yaml = """
                version: 1
                rules:
                  - id: same
                    path: Patient.name
                    labels: [DEMO]
                  - id: same
                    path: Patient.address
                    labels: [LOCIS]
                """;

        assertThatThrownBy(() -> LabelConfiguration.compile(FHIR, "labels.yaml", yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage("labels.yaml:6: duplicate rule id 'same'");
    }

    @Test
    void invalidYaml_isRefusedWithItsLine() {
        assertThatThrownBy(() -> LabelConfiguration.compile(FHIR, "labels.yaml", "version: 1\nrules:\n  - id: [\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("labels.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void unsupportedVersion_isRefused() {
        assertThatThrownBy(() -> LabelConfiguration.compile(FHIR, "labels.yaml", "version: 2\nrules: []\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("labels.yaml:1: unsupported version 2 (this guard reads version 1)");
    }

    @Test
    void yamlAliases_areRefused() {
        String yaml = "version: 1\nlabels: &l [DEMO]\nrules:\n  - {id: a, path: Patient.name, labels: *l}\n";

        assertThatThrownBy(() -> LabelConfiguration.compile(FHIR, "labels.yaml", yaml))
                .isInstanceOf(ConfigException.class);
    }
}

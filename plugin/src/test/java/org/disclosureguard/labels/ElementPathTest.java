package org.disclosureguard.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ElementPathTest {

    @Test
    void childAndExtensionSteps_parseAndPrintAsFhirPath() {
        String text = "Patient.extension('https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication')"
                + ".extension('language')";

        ElementPath path = ElementPath.parse(text);

        assertThat(path.resourceType()).isEqualTo("Patient");
        assertThat(path.steps()).extracting(ElementPath.Step::kind)
                .containsExactly(ElementPath.Kind.EXTENSION, ElementPath.Kind.EXTENSION);
        assertThat(path.toFhirPath()).isEqualTo(text);
    }

    @Test
    void nestedChildren_parse() {
        assertThat(ElementPath.parse("Patient.contact.telecom").steps())
                .extracting(ElementPath.Step::value)
                .containsExactly("contact", "telecom");
    }

    @Test
    void wholeResource_isRefused() {
        assertThatThrownBy(() -> ElementPath.parse("Patient")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void functionsOtherThanExtension_areRefused() {
        assertThatThrownBy(() -> ElementPath.parse("Patient.name.where(use='official')"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Patient.name");
    }

    @Test
    void lowerCaseResourceType_isRefused() {
        assertThatThrownBy(() -> ElementPath.parse("patient.name")).isInstanceOf(IllegalArgumentException.class);
    }
}

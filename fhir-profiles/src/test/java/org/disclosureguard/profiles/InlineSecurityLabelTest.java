package org.disclosureguard.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * A labelled Patient, shaped as the guard emits it, validates against the HL7 DS4P inline security
 * label extension; a malformed label does not.
 */
class InlineSecurityLabelTest {

    /** Nationality (birth place) and language carry inline labels with Disclosure Guard codes. */
    private static final String LABELLED_PATIENT = """
            {
              "resourceType": "Patient",
              "id": "labelled-example",
              "meta": {
                "security": [
                  { "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "N" }
                ]
              },
              "extension": [
                {
                  "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                  "valueAddress": {
                    "extension": [
                      {
                        "url": "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-sec-label",
                        "valueCoding": {
                          "system": "https://fhir.disclosureguard.org/CodeSystem/sensitivity",
                          "code": "NATIONALITY",
                          "display": "nationality and immigration status information sensitivity"
                        }
                      }
                    ],
                    "country": "PL"
                  }
                }
              ],
              "identifier": [
                { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009" }
              ],
              "name": [ { "family": "Smith", "given": [ "Jane" ] } ],
              "gender": "female",
              "birthDate": "1990-01-01",
              "communication": [
                {
                  "language": {
                    "extension": [
                      {
                        "url": "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-sec-label",
                        "valueCoding": {
                          "system": "https://fhir.disclosureguard.org/CodeSystem/sensitivity",
                          "code": "LANGUAGE"
                        }
                      }
                    ],
                    "coding": [ { "system": "urn:ietf:bcp:47", "code": "pl" } ]
                  },
                  "preferred": true
                }
              ]
            }
            """;

    @Test
    void patient_withInlineDgSensitivityLabels_validatesWithoutErrors() {
        List<SingleValidationMessage> errors = SharedValidator.errors(SharedValidator.validate(LABELLED_PATIENT));

        assertThat(errors).as(SharedValidator.describe(errors)).isEmpty();
    }

    @Test
    void inlineLabel_withStringInsteadOfCoding_isRejectedByTheDs4pDefinition() {
        Patient patient = labelledPatient();
        languageLabel(patient).setValue(new StringType("LANGUAGE"));

        List<SingleValidationMessage> errors = SharedValidator.errors(SharedValidator.validate(encode(patient)));

        assertThat(errors)
                .as(SharedValidator.describe(errors))
                .anySatisfy(m -> assertThat(m.getLocationString())
                        .startsWith("Patient.communication[0].language.extension[0]"));
    }

    @Test
    void inlineLabel_withCodeMissingFromDgSensitivity_isRejected() {
        Patient patient = labelledPatient();
        ((Coding) nationalityLabel(patient).getValue()).setCode("NATIONALTY").setDisplay(null);

        ValidationResult result = SharedValidator.validate(encode(patient));

        assertThat(SharedValidator.errors(result))
                .as(SharedValidator.describe(result.getMessages()))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("NATIONALTY"));
    }

    @Test
    void inlineLabel_withMisspeltExtensionUrl_isRejected() {
        Patient patient = labelledPatient();
        languageLabel(patient).setUrl(
                "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-security-label");

        List<SingleValidationMessage> errors = SharedValidator.errors(SharedValidator.validate(encode(patient)));

        assertThat(errors)
                .as(SharedValidator.describe(errors))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("extension-inline-security-label"));
    }

    private static Patient labelledPatient() {
        return ConformanceFiles.FHIR.newJsonParser().parseResource(Patient.class, LABELLED_PATIENT);
    }

    private static String encode(Patient patient) {
        return ConformanceFiles.FHIR.newJsonParser().encodeResourceToString(patient);
    }

    private static Extension languageLabel(Patient patient) {
        return patient.getCommunicationFirstRep().getLanguage()
                .getExtensionByUrl(FhirProfiles.DS4P_INLINE_SECURITY_LABEL_EXTENSION);
    }

    private static Extension nationalityLabel(Patient patient) {
        Address birthPlace = (Address) patient
                .getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/patient-birthPlace").getValue();
        return birthPlace.getExtensionByUrl(FhirProfiles.DS4P_INLINE_SECURITY_LABEL_EXTENSION);
    }
}

package org.disclosureguard.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.redaction.RedactionSupport.FHIR;
import static org.disclosureguard.redaction.RedactionSupport.IDS;
import static org.disclosureguard.redaction.RedactionSupport.LOCIS;

import java.util.Set;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.redaction.WithheldElement.Action;
import org.disclosureguard.redaction.WithheldElement.Reason;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;

/** Rules of the model redactor that concern HAPI's model itself: mutators, typed masks, totals. */
class ModelRedactorTest {

    private final ModelRedactor redactor = new ModelRedactor(FHIR);

    private static <T extends Element> T labelled(T element, org.disclosureguard.labels.SecurityLabel label) {
        element.addExtension(Vocabulary.INLINE_LABEL_EXTENSION, new Coding(label.system(), label.code(), null));
        return element;
    }

    @Test
    void repeatingChild_partlyWithheld_isRebuiltInOrderThroughItsMutator() {
        Patient patient = new Patient();
        patient.setId("p1");
        patient.addAddress(new Address().setCity("Leeds"));
        patient.addAddress(labelled(new Address().setCity("Hidden"), LOCIS));
        patient.addAddress(new Address().setCity("York"));
        patient.addAddress(labelled(new Address().setCity("Also hidden"), LOCIS));

        RedactionResult result = redactor.redact(patient, Redaction.withholding(LOCIS));

        assertThat(patient.getAddress()).extracting(Address::getCity).containsExactly("Leeds", "York");
        assertThat(result.withheld()).extracting(WithheldElement::path)
                .containsExactly("Patient.address[1]", "Patient.address[3]");
    }

    @Test
    void requiredReference_whenWithheld_isReplacedByAMaskOfTheSameType() {
        RelatedPerson relatedPerson = new RelatedPerson();
        relatedPerson.setPatient(labelled(new Reference("Patient/p1"), IDS));

        RedactionResult result = redactor.redact(relatedPerson, Redaction.withholding(IDS));

        Reference mask = relatedPerson.getPatient();
        assertThat(mask.hasReference()).isFalse();
        assertThat(mask.getExtension()).singleElement().satisfies(e -> {
            assertThat(e.getUrl()).isEqualTo(Redaction.DATA_ABSENT_REASON);
            assertThat(((CodeType) e.getValue()).getValue()).isEqualTo(Redaction.MASKED);
        });
        assertThat(result.withheld()).containsExactly(new WithheldElement("RelatedPerson", null,
                "RelatedPerson.patient", Action.MASKED, Reason.LABELLED, Set.of(IDS)));
    }

    @Test
    void requiredEnumeration_whenWithheld_isMaskedAsAnEnumerationWithoutValue() {
        Patient patient = new Patient();
        Patient.PatientLinkComponent link = patient.addLink().setOther(new Reference("Patient/p2"))
                .setType(Patient.LinkType.SEEALSO);
        labelled(link.getTypeElement(), IDS);

        redactor.redact(patient, Redaction.withholding(IDS));

        Enumeration<Patient.LinkType> type = patient.getLinkFirstRep().getTypeElement();
        assertThat(type.getValue()).isNull();
        assertThat(type.getExtensionByUrl(Redaction.DATA_ABSENT_REASON)).isNotNull();
        assertThat(patient.getLinkFirstRep().getOther().getReference()).isEqualTo("Patient/p2");
    }

    @Test
    void primitiveExtension_withALabelledValue_isRemovedFromThePrimitive() {
        Patient patient = new Patient();
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1980-02-03"));
        patient.getBirthDateElement().addExtension(new Extension("http://example.org/where",
                labelled(new org.hl7.fhir.r4.model.StringType("Leeds"), LOCIS)));
        patient.getBirthDateElement().addExtension(new Extension("http://example.org/keep",
                new org.hl7.fhir.r4.model.StringType("kept")));

        RedactionResult result = redactor.redact(patient, Redaction.withholding(LOCIS));

        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1980-02-03");
        assertThat(patient.getBirthDateElement().getExtension()).extracting(Extension::getUrl)
                .containsExactly("http://example.org/keep");
        assertThat(result.withheld()).extracting(WithheldElement::path)
                .containsExactly("Patient.birthDate.extension('http://example.org/where')");
    }

    @Test
    void narrativeAndSearchsetTotal_goWhenSomethingIsWithheld() {
        Patient patient = new Patient();
        patient.setText(new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED));
        patient.getText().setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Leeds</div>");
        patient.addAddress(labelled(new Address().setCity("Leeds"), LOCIS));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(1);
        bundle.addEntry().setResource(patient);

        RedactionResult result = redactor.redact(bundle, Redaction.withholding(LOCIS).suppressingTotals());

        assertThat(patient.hasText()).isFalse();
        assertThat(bundle.hasTotalElement()).isFalse();
        assertThat(patient.getMeta().getSecurity()).extracting(Coding::getCode).containsExactly(Redaction.REDACTED);
        assertThat(bundle.getMeta().getSecurity()).extracting(Coding::getCode).containsExactly(Redaction.REDACTED);
        assertThat(result).extracting(RedactionResult::resourcesRedacted, RedactionResult::elementsRemoved)
                .containsExactly(2, 3);
    }

    @Test
    void emptyRedaction_leavesTheResourceAlone() {
        Patient patient = new Patient();
        patient.addAddress(labelled(new Address().setCity("Leeds"), LOCIS));
        Patient before = patient.copy();

        RedactionResult result = redactor.redact(patient, Redaction.none());

        assertThat(patient.equalsDeep(before)).isTrue();
        assertThat(result).isEqualTo(RedactionResult.nothing());
    }
}

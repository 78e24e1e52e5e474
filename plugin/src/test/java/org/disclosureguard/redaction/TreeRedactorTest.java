package org.disclosureguard.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.disclosureguard.redaction.RedactionSupport.DEMO;
import static org.disclosureguard.redaction.RedactionSupport.DOB;
import static org.disclosureguard.redaction.RedactionSupport.EVERYTHING_LABELLED;
import static org.disclosureguard.redaction.RedactionSupport.IDS;
import static org.disclosureguard.redaction.RedactionSupport.LANGUAGE;
import static org.disclosureguard.redaction.RedactionSupport.LOCIS;
import static org.disclosureguard.redaction.RedactionSupport.json;
import static org.disclosureguard.redaction.RedactionSupport.label;
import static org.disclosureguard.redaction.RedactionSupport.labelAndRedactBoth;
import static org.disclosureguard.redaction.RedactionSupport.labelled;
import static org.disclosureguard.redaction.RedactionSupport.redactBoth;
import static org.disclosureguard.redaction.RedactionSupport.redactedTags;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.disclosureguard.redaction.RedactionSupport.Redacted;
import org.disclosureguard.redaction.WithheldElement.Action;
import org.disclosureguard.redaction.WithheldElement.Reason;
import org.disclosureguard.testsupport.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One test per redaction rule, on the JSON tree. Every test also runs the model redactor on the same input and
 * requires the same resource and the same result (see {@link RedactionSupport#redactBoth}).
 */
class TreeRedactorTest {

    private static final String NHS_COMMUNICATION =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication";
    private static final String CONTACT_PREFERENCE =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ContactPreference";
    private static final String INTERPRETER_REQUIRED =
            "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";

    private static final String PATIENT_WITH_NARRATIVE = """
            {"resourceType":"Patient","id":"p1",
             "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Jane Smith, 1 High St</div>"},
             "name":[{"family":"Smith","given":["Jane"]}],
             "birthDate":"1980-02-03",
             "address":[{"line":["1 High St"],"city":"Leeds","postalCode":"LS1 1AA"}],
             "telecom":[{"system":"phone","value":"0113 496 0000"}]}
            """;

    @Test
    void address_withLocisWithheld_isRemovedAndNarrativeDropped() {
        Redacted out = labelAndRedactBoth(PATIENT_WITH_NARRATIVE, Redaction.withholding(LOCIS));

        assertThat(out.tree().has("address")).isFalse();
        assertThat(out.tree().has("telecom")).isFalse();
        assertThat(out.tree().has("text")).isFalse();
        assertThat(out.tree().path("name").get(0).path("family").asText()).isEqualTo("Smith");
        assertThat(out.tree().path("birthDate").asText()).isEqualTo("1980-02-03");
        assertThat(redactedTags(out.tree())).isEqualTo(1);
        assertThat(out.at("Patient.address[0]"))
                .isEqualTo(new WithheldElement("Patient", "p1", "Patient.address[0]", Action.REMOVED,
                        Reason.LABELLED, Set.of(LOCIS)));
        assertThat(out.at("Patient.text").reason()).isEqualTo(Reason.LABELLED);
        assertThat(out.result()).extracting(RedactionResult::resourcesRedacted, RedactionResult::elementsRemoved,
                RedactionResult::elementsMasked).containsExactly(1, 3, 0);
    }

    @Test
    void narrative_ofResourceWithAnythingWithheld_isRemovedEvenWhenNotLabelledWithIt() {
        Redacted out = labelAndRedactBoth(PATIENT_WITH_NARRATIVE, Redaction.withholding(DOB));

        assertThat(out.tree().has("birthDate")).isFalse();
        assertThat(out.tree().has("text")).isFalse();
        assertThat(out.tree().has("address")).isTrue();
        assertThat(out.at("Patient.text")).isEqualTo(new WithheldElement("Patient", "p1", "Patient.text",
                Action.REMOVED, Reason.NARRATIVE, Set.of()));
    }

    @Test
    void birthDate_withDobWithheld_isRemovedWithItsUnderscoreSibling() {
        String json = """
                {"resourceType":"Patient","id":"p1","birthDate":"1980-02-03",
                 "_birthDate":{"extension":[{"url":"http://example.org/precision","valueString":"day"}]},
                 "gender":"female"}
                """;
        Redacted out = labelAndRedactBoth(json, Redaction.withholding(DOB));

        assertThat(out.tree().has("birthDate")).isFalse();
        assertThat(out.tree().has("_birthDate")).isFalse();
        assertThat(out.tree().path("gender").asText()).isEqualTo("female");
        assertThat(out.tree().has("_gender")).as("the gender label stays: GENDER is not withheld").isTrue();
        assertThat(out.paths()).containsExactly("Patient.birthDate");
    }

    @Test
    void repeatingPrimitive_partlyWithheld_keepsTheOtherItemsAndTheirSiblingsAligned() {
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','name':[{'family':'Smith',"
                + "'given':['Ann','Secret','Beth','Carol'],"
                + "'_given':[{'id':'g0'},{'extension':[" + label(LOCIS) + "]},null,{'id':'g3'}]}]}");
        Redacted out = redactBoth(input, Redaction.withholding(LOCIS));

        JsonNode name = out.tree().path("name").get(0);
        assertThat(name.path("given")).isEqualTo(json("{'a':['Ann','Beth','Carol']}").get("a"));
        assertThat(name.path("_given")).isEqualTo(json("{'a':[{'id':'g0'},null,{'id':'g3'}]}").get("a"));
        assertThat(out.paths()).containsExactly("Patient.name[0].given[1]");
    }

    @Test
    void repeatingPrimitive_whenOnlyNullSiblingsRemain_dropsTheUnderscoreArray() {
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','name':[{'family':'Smith',"
                + "'given':['Ann','Secret'],'_given':[null,{'extension':[" + label(LOCIS) + "]}]}]}");
        Redacted out = redactBoth(input, Redaction.withholding(LOCIS));

        JsonNode name = out.tree().path("name").get(0);
        assertThat(name.path("given")).isEqualTo(json("{'a':['Ann']}").get("a"));
        assertThat(name.has("_given")).isFalse();
    }

    @Test
    void repeatingComplexElement_partlyWithheld_keepsTheOtherItemsInOrder() {
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','address':["
                + "{'city':'Leeds'},{'city':'Hidden','extension':[" + label(LOCIS) + "]},{'city':'York'}]}");
        Redacted out = redactBoth(input, Redaction.withholding(LOCIS));

        assertThat(out.tree().path("address").findValuesAsText("city")).containsExactly("Leeds", "York");
        assertThat(out.paths()).containsExactly("Patient.address[1]");
    }

    @Test
    void relatedPersonPatient_withIdsWithheld_isMaskedRatherThanRemoved() {
        Redacted out = labelAndRedactBoth(SharedData.read("pds/RelatedPersonBundle.json"),
                Redaction.withholding(IDS));

        JsonNode relatedPerson = out.tree().path("entry").get(0).path("resource");
        assertThat(relatedPerson.get("patient")).isEqualTo(TreeRedactor.mask());
        assertThat(out.at("RelatedPerson.patient")).isEqualTo(new WithheldElement("RelatedPerson", "507B7621",
                "RelatedPerson.patient", Action.MASKED, Reason.LABELLED, Set.of(IDS)));
        assertThat(out.result().elementsMasked()).isEqualTo(1);
        assertThat(redactedTags(relatedPerson)).isEqualTo(1);
        assertThat(redactedTags(out.tree())).as("the bundle itself lost nothing").isZero();
    }

    @Test
    void requiredPrimitive_whenWithheld_isMaskedThroughItsUnderscoreSibling() {
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','link':[{'other':{'reference':'Patient/p2'},"
                + "'type':'seealso','_type':{'extension':[" + label(IDS) + "]}}]}");
        Redacted out = redactBoth(input, Redaction.withholding(IDS));

        JsonNode link = out.tree().path("link").get(0);
        assertThat(link.has("type")).isFalse();
        assertThat(link.get("_type")).isEqualTo(TreeRedactor.mask());
        assertThat(link.path("other").path("reference").asText()).isEqualTo("Patient/p2");
        assertThat(out.at("Patient.link[0].type").action()).isEqualTo(Action.MASKED);
    }

    @Test
    void requiredRepeatingElement_whenEveryItemIsWithheld_keepsOneMaskedItem() {
        ObjectNode composition = json("{'resourceType':'Composition','id':'c1','status':'final','type':{'text':'x'},"
                + "'date':'2024-01-01','title':'t','author':[{'reference':'Practitioner/a','extension':["
                + label(IDS) + "]},{'reference':'Practitioner/b','extension':[" + label(IDS) + "]}]}");
        Redacted out = redactBoth(composition, Redaction.withholding(IDS));
        assertThat(out.tree().get("author")).isEqualTo(RedactionSupport.JSON.createArrayNode().add(TreeRedactor.mask()));
        assertThat(out.result().withheld()).extracting(WithheldElement::path, WithheldElement::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Composition.author[0]", Action.MASKED),
                        org.assertj.core.groups.Tuple.tuple("Composition.author[1]", Action.REMOVED));

        ObjectNode searchParameter = json("{'resourceType':'SearchParameter','id':'s1','url':'http://x','name':'n',"
                + "'status':'active','description':'d','code':'c','type':'token','base':['Patient','Group'],"
                + "'_base':[{'extension':[" + label(IDS) + "]},{'extension':[" + label(IDS) + "]}]}");
        Redacted primitives = redactBoth(searchParameter, Redaction.withholding(IDS));
        assertThat(primitives.tree().get("base")).isEqualTo(json("{'a':[null]}").get("a"));
        assertThat(primitives.tree().get("_base")).isEqualTo(RedactionSupport.JSON.createArrayNode().add(TreeRedactor.mask()));
        assertThat(primitives.result().elementsMasked()).isEqualTo(1);
        assertThat(primitives.result().elementsRemoved()).isEqualTo(1);
    }

    @Test
    void requiredElement_leftEmptyByRedaction_isMasked() {
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','communication':[{'language':{'text':'Welsh',"
                + "'coding':[{'code':'cy','extension':[" + label(LANGUAGE) + "]},{'code':'cy-GB','extension':["
                + label(LANGUAGE) + "]}]},'preferred':true}]}");
        // coding is 0..*, so it goes; the language left empty is 1..1 and would be masked, but text remains.
        Redacted out = redactBoth(input, Redaction.withholding(LANGUAGE));
        assertThat(out.tree().path("communication").get(0).path("language"))
                .isEqualTo(json("{'text':'Welsh'}"));
        assertThat(out.paths()).containsExactly("Patient.communication[0].language.coding[0]",
                "Patient.communication[0].language.coding[1]");

        ObjectNode onlyCodings = json("{'resourceType':'Patient','id':'p1','communication':[{'language':{"
                + "'coding':[{'code':'cy','extension':[" + label(LANGUAGE) + "]}]},'preferred':true}]}");
        Redacted emptied = redactBoth(onlyCodings, Redaction.withholding(LANGUAGE));
        assertThat(emptied.tree().path("communication").get(0).get("language")).isEqualTo(TreeRedactor.mask());
        assertThat(emptied.at("Patient.communication[0].language"))
                .extracting(WithheldElement::action, WithheldElement::reason)
                .containsExactly(Action.MASKED, Reason.EMPTIED);
    }

    @Test
    void complexExtension_withALabelledSubExtensionValue_isRemovedWhole() {
        Redacted out = labelAndRedactBoth(SharedData.read("pds/Patient.json"), Redaction.withholding(LANGUAGE));

        assertThat(out.tree().path("extension").findValuesAsText("url"))
                .doesNotContain(NHS_COMMUNICATION)
                .contains(CONTACT_PREFERENCE);
        assertThat(out.at("Patient.extension('" + NHS_COMMUNICATION + "')").labels()).containsExactly(LANGUAGE);
    }

    @Test
    void extension_withALabelledPrimitiveValue_isRemovedWhole() {
        String json = "{'resourceType':'Patient','id':'p1','extension':[{'url':'" + INTERPRETER_REQUIRED
                + "','valueBoolean':true},{'url':'http://example.org/other','valueString':'kept'}]}";
        Redacted out = labelAndRedactBoth(json.replace('\'', '"'), Redaction.withholding(LANGUAGE));

        assertThat(out.tree().path("extension")).hasSize(1);
        assertThat(out.tree().path("extension").get(0).path("valueString").asText()).isEqualTo("kept");
        assertThat(out.paths()).containsExactly("Patient.extension('" + INTERPRETER_REQUIRED + "')");
    }

    @Test
    void extensionsWithTheSameUrl_areLocatedByTheirIndexAmongThatUrl() {
        String url = "http://hl7.org/fhir/StructureDefinition/patient-nationality";
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','extension':["
                + "{'url':'" + url + "','valueCodeableConcept':{'text':'A','extension':[" + label(LOCIS) + "]}},"
                + "{'url':'http://example.org/x','valueString':'x'},"
                + "{'url':'" + url + "','valueCodeableConcept':{'text':'B'}},"
                + "{'url':'" + url + "','valueCodeableConcept':{'text':'C','extension':[" + label(LOCIS) + "]}}]}");
        Redacted out = redactBoth(input, Redaction.withholding(LOCIS));

        assertThat(out.paths()).containsExactly("Patient.extension('" + url + "')[0]",
                "Patient.extension('" + url + "')[2]");
        assertThat(out.tree().path("extension")).hasSize(2);
    }

    @Test
    void elementInsideAKeptElement_withAWithheldLabel_isRemovedAlone() {
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','contact':[{'extension':[" + label(DEMO) + "],"
                + "'relationship':[{'text':'mother'}],"
                + "'telecom':[{'system':'phone','value':'0113','extension':[" + label(LOCIS) + "]}]}]}");
        Redacted out = redactBoth(input, Redaction.withholding(LOCIS));

        JsonNode contact = out.tree().path("contact").get(0);
        assertThat(contact.has("telecom")).isFalse();
        assertThat(contact.path("relationship").get(0).path("text").asText()).isEqualTo("mother");
        assertThat(out.paths()).containsExactly("Patient.contact[0].telecom[0]");
    }

    @Test
    void optionalElement_leftEmptyByRedaction_isRemoved_andARequiredOneIsMasked() {
        String hidden = "{'url':'http://example.org/where','valueString':'x','_valueString':{'extension':["
                + label(LOCIS) + "]}}";
        ObjectNode patient = json("{'resourceType':'Patient','id':'p1','active':true,"
                + "'managingOrganization':{'extension':[" + hidden + "]}}");
        Redacted out = redactBoth(patient, Redaction.withholding(LOCIS));
        assertThat(out.tree().has("managingOrganization")).isFalse();
        assertThat(out.at("Patient.managingOrganization").reason()).isEqualTo(Reason.EMPTIED);

        ObjectNode relatedPerson = json("{'resourceType':'RelatedPerson','id':'r1','patient':{'extension':[" + hidden
                + "]}}");
        Redacted masked = redactBoth(relatedPerson, Redaction.withholding(LOCIS));
        assertThat(masked.tree().get("patient")).isEqualTo(TreeRedactor.mask());
        assertThat(masked.at("RelatedPerson.patient"))
                .extracting(WithheldElement::action, WithheldElement::reason)
                .containsExactly(Action.MASKED, Reason.EMPTIED);
    }

    @Test
    void modifierExtension_withAWithheldLabel_isRemoved() {
        ObjectNode input = json("{'resourceType':'Patient','id':'p1','modifierExtension':[{'url':'http://example.org/m',"
                + "'valueString':'x','_valueString':{'extension':[" + label(LOCIS) + "]}}],'active':true}");
        Redacted out = redactBoth(input, Redaction.withholding(LOCIS));

        assertThat(out.tree().has("modifierExtension")).isFalse();
        assertThat(out.paths()).containsExactly("Patient.modifierExtension('http://example.org/m')");
    }

    @Test
    void containedResource_isRedacted_andReferencesToItAreKept() {
        String json = """
                {"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"AMB"},
                 "contained":[{"resourceType":"Patient","id":"inner","address":[{"city":"Leeds"}],"gender":"male"}],
                 "subject":{"reference":"#inner"}}
                """;
        Redacted out = labelAndRedactBoth(json, Redaction.withholding(LOCIS));

        JsonNode inner = out.tree().path("contained").get(0);
        assertThat(inner.has("address")).isFalse();
        assertThat(inner.path("gender").asText()).isEqualTo("male");
        assertThat(redactedTags(inner)).isEqualTo(1);
        assertThat(redactedTags(out.tree())).isZero();
        assertThat(out.tree().path("subject").path("reference").asText()).isEqualTo("#inner");
        assertThat(out.at("Patient.address[0]").resourceId()).isEqualTo("inner");
    }

    @Test
    void bundlesInBundles_andParametersResources_areRedacted() {
        String patient = "{'resourceType':'Patient','id':'deep','address':[{'city':'Leeds'}],'active':true}";
        String collection = "{'resourceType':'Bundle','type':'collection','entry':[{'resource':" + patient + "}]}";
        String outer = "{'resourceType':'Bundle','type':'batch-response','entry':[{'resource':" + collection + "}]}";
        String parameters = "{'resourceType':'Parameters','parameter':[{'name':'result','part':[{'name':'bundle',"
                + "'resource':" + outer + "}]}]}";
        Redacted out = labelAndRedactBoth(parameters.replace('\'', '"'), Redaction.withholding(LOCIS));

        JsonNode deep = out.tree().at("/parameter/0/part/0/resource/entry/0/resource/entry/0/resource");
        assertThat(deep.path("id").asText()).isEqualTo("deep");
        assertThat(deep.has("address")).isFalse();
        assertThat(redactedTags(deep)).isEqualTo(1);
        assertThat(out.result().resourcesRedacted()).isEqualTo(1);
    }

    @Test
    void searchsetTotal_withTotalsSuppressed_isRemoved() {
        String searchset = SharedData.read("pds/PatientSearch.json");
        assertThat(labelled(searchset).has("total")).isTrue();

        Redacted out = labelAndRedactBoth(searchset, Redaction.none().suppressingTotals());

        assertThat(out.tree().has("total")).isFalse();
        assertThat(out.at("Bundle.total").reason()).isEqualTo(Reason.TOTAL);
        assertThat(redactedTags(out.tree())).isEqualTo(1);
        assertThat(out.tree().path("entry").get(0).path("resource").has("address"))
                .as("nothing else is withheld").isTrue();
    }

    @Test
    void total_isKept_withoutSuppression_orOutsideASearchset() {
        String searchset = SharedData.read("pds/PatientSearch.json");
        assertThat(labelAndRedactBoth(searchset, Redaction.withholding(LOCIS)).tree().has("total")).isTrue();

        String history = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"total\":3}";
        Redacted out = labelAndRedactBoth(history, Redaction.withholding(LOCIS).suppressingTotals());
        assertThat(out.tree().path("total").asInt()).isEqualTo(3);
        assertThat(out.result()).isEqualTo(RedactionResult.nothing());
    }

    @TestFactory
    Stream<DynamicTest> emptyRedaction_changesNothingAtAll() {
        return RedactionSupport.fixtures().entrySet().stream().map((Map.Entry<String, String> fixture) ->
                DynamicTest.dynamicTest(fixture.getKey(), () -> {
                    ObjectNode tree = labelled(fixture.getValue());
                    ObjectNode before = tree.deepCopy();
                    RedactionResult result = new TreeRedactor(FhirContext.forR4Cached()).redact(tree, Redaction.none());
                    assertThat(tree).isEqualTo(before);
                    assertThat(result).isEqualTo(RedactionResult.nothing());
                }));
    }

    @Test
    void redaction_ofLabelsNothingCarries_changesNothing() {
        ObjectNode tree = labelled(SharedData.read("pds/Patient.json"));
        ObjectNode before = tree.deepCopy();

        RedactionResult result = RedactionSupport.TREE.redact(tree,
                Redaction.withholding(org.disclosureguard.labels.SecurityLabel.parse("REL")));

        assertThat(tree).isEqualTo(before);
        assertThat(result.changedAnything()).isFalse();
    }

    @Test
    void redactedTag_isAddedOnce_andASecondPassFindsNothing() {
        ObjectNode tree = labelled(SharedData.read("pds/Patient.json"));
        RedactionSupport.TREE.redact(tree, Redaction.withholding(LOCIS));
        RedactionSupport.TREE.redact(tree, Redaction.withholding(DOB));
        ObjectNode twice = tree.deepCopy();

        RedactionResult again = RedactionSupport.TREE.redact(tree, Redaction.withholding(LOCIS, DOB));

        assertThat(redactedTags(tree)).isEqualTo(1);
        assertThat(again.changedAnything()).isFalse();
        assertThat(tree).isEqualTo(twice);
    }

    @Test
    void everythingLabelled_withheldFromAPdsPatient_leavesNoDemographics() {
        Redacted out = labelAndRedactBoth(SharedData.read("pds/Patient.json"),
                Redaction.withholding(EVERYTHING_LABELLED));

        assertThat(out.tree().has("name")).isFalse();
        assertThat(out.tree().has("address")).isFalse();
        assertThat(out.tree().has("birthDate")).isFalse();
        assertThat(out.tree().has("identifier")).isFalse();
        assertThat(out.tree().path("multipleBirthInteger").asInt()).as("not labelled, so kept").isEqualTo(1);
    }

    @Test
    void resourceWithoutAResourceType_isRejected() {
        assertThatThrownBy(() -> RedactionSupport.TREE.redact(json("{'id':'x'}"), Redaction.withholding(LOCIS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resourceType");
    }

    @Test
    void unknownResourceType_isRejected() {
        assertThatThrownBy(() -> RedactionSupport.TREE.redact(json("{'resourceType':'Patinet'}"),
                Redaction.withholding(LOCIS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Patinet");
    }

}

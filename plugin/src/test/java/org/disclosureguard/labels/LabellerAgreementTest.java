package org.disclosureguard.labels;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.disclosureguard.testsupport.Fixtures;
import org.disclosureguard.testsupport.SharedData;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The JSON-tree labeller must give exactly the resources HAPI's object model and FHIRPath engine give: on every
 * fixture, and on seeded random variations of real patients (elements dropped, repeated, nested in bundles and
 * contained, already partly labelled).
 */
class LabellerAgreementTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LabelPlan PLAN = LabelConfiguration.defaults(FHIR);
    private static final long SEED = 20180509L;

    @TestFactory
    Stream<DynamicTest> treeAndModel_agree_onEveryFixture() {
        return Fixtures.all(FHIR).entrySet().stream().map((Map.Entry<String, String> fixture) ->
                DynamicTest.dynamicTest(fixture.getKey(), () -> assertAgree(fixture.getValue())));
    }

    @TestFactory
    Stream<DynamicTest> treeAndModel_agree_onRandomVariationsOfRealPatients() {
        List<String> patients = new ArrayList<>(SharedData.ndjson("synthea/100-patients/Patient.ndjson"));
        patients.add(SharedData.read("pds/Patient.json"));
        patients.add(SharedData.read("pds/Sensitive_Patient.json"));
        Random random = new Random(SEED);
        return IntStream.range(0, 150).mapToObj(i -> {
            String variant = vary(patients.get(random.nextInt(patients.size())), random);
            return DynamicTest.dynamicTest("variation " + i + " (seed " + SEED + ")", () -> assertAgree(variant));
        });
    }

    private static void assertAgree(String json) throws Exception {
        IParser parser = FHIR.newJsonParser();
        ObjectNode tree = (ObjectNode) JSON.readTree(json);
        LabelCount treeCount = new TreeLabeller(PLAN).label(tree);
        Resource fromTree = (Resource) parser.parseResource(JSON.writeValueAsString(tree));

        Resource model = (Resource) parser.parseResource(json);
        LabelCount modelCount = new ModelLabeller(FHIR, PLAN).label(model);

        assertThat(fromTree.equalsDeep(model))
                .as("tree labelling differs from model labelling:%ntree:  %s%nmodel: %s",
                        parser.encodeResourceToString(fromTree), parser.encodeResourceToString(model))
                .isTrue();
        assertThat(treeCount.resources()).isEqualTo(modelCount.resources());
        assertThat(treeCount.elements()).isEqualTo(modelCount.elements());
    }

    /** A random but valid variation of a patient, seeded by the caller's generator. */
    private static String vary(String patientJson, Random random) {
        try {
            ObjectNode patient = (ObjectNode) JSON.readTree(patientJson);
            List<String> names = new ArrayList<>();
            patient.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!name.equals("resourceType") && !name.equals("id") && random.nextInt(4) == 0) {
                    patient.remove(name);
                }
            }
            for (Iterator<JsonNode> it = patient.elements(); it.hasNext(); ) {
                JsonNode value = it.next();
                if (value instanceof ArrayNode array && !array.isEmpty() && array.get(0).isObject()
                        && random.nextInt(3) == 0) {
                    array.add(array.get(0).deepCopy());
                }
            }
            if (random.nextBoolean() && patient.has("birthDate")) {
                patient.putObject("_birthDate").putArray("extension").addObject()
                        .put("url", "http://example.org/fhir/StructureDefinition/precision").put("valueString", "day");
            }
            if (random.nextInt(3) == 0 && patient.has("name")) {
                ObjectNode label = ((ObjectNode) patient.get("name").get(0)).withArray("extension").addObject();
                label.put("url", Vocabulary.INLINE_LABEL_EXTENSION);
                label.putObject("valueCoding").put("system", Vocabulary.ACT_CODE).put("code", "DEMO");
            }
            if (random.nextInt(4) == 0) {
                ObjectNode security = patient.withObject("/meta").withArray("security").addObject();
                security.put("system", Vocabulary.CONFIDENTIALITY).put("code", random.nextBoolean() ? "R" : "V");
            }
            return switch (random.nextInt(3)) {
                case 0 -> JSON.writeValueAsString(patient);
                case 1 -> SharedData.searchset(List.of(JSON.writeValueAsString(patient)), "http://upstream.test/fhir");
                default -> {
                    patient.put("id", "inner");
                    ObjectNode encounter = JSON.createObjectNode();
                    encounter.put("resourceType", "Encounter").put("id", "e1").put("status", "finished");
                    encounter.putObject("class").put("code", "AMB");
                    encounter.putArray("contained").add(patient);
                    encounter.putObject("subject").put("reference", "#inner");
                    yield JSON.writeValueAsString(encounter);
                }
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.disclosureguard.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedDataBundlesTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private static Path sharedData;
    private static List<Resource> resources;

    @BeforeAll
    static void readSharedData() {
        sharedData = SharedDataDirectory.require();
        resources = SharedDataBundles.resourcesFromDirectory(sharedData);
    }

    private static Map<String, Resource> byKey() {
        return resources.stream().collect(Collectors.toMap(r -> r.fhirType() + "/" + r.getIdPart(), r -> r));
    }

    private static Map<String, Long> countByType() {
        return resources.stream().collect(Collectors.groupingBy(Resource::fhirType, Collectors.counting()));
    }

    @Test
    void fromDirectory_readsThePdsPatientsIncludingTheRestrictedOne() {
        Map<String, Resource> all = byKey();
        assertThat(all).containsKeys("Patient/9000000009", "Patient/9000000025", "Patient/9000000015",
                "Patient/9000000033", "Patient/9000000017");
        Patient sensitive = (Patient) all.get("Patient/9000000025");
        assertThat(sensitive.getMeta().getSecurityFirstRep().getCode()).isEqualTo("R");
        assertThat(sensitive.getMeta().hasVersionId()).isFalse();
        Patient jane = (Patient) all.get("Patient/9000000009");
        assertThat(jane.getNameFirstRep().getFamily()).isEqualTo("Smith");
        assertThat(jane.getAddress()).isNotEmpty();
        assertThat(jane.getGeneralPractitionerFirstRep().getIdentifier().getValue()).isEqualTo("Y12345");
    }

    @Test
    void fromDirectory_linksPdsRelatedPersonsToTheLoadedPatient() {
        List<RelatedPerson> related = resources.stream().filter(RelatedPerson.class::isInstance)
                .map(RelatedPerson.class::cast).toList();
        assertThat(related).extracting(Resource::getIdPart).containsExactlyInAnyOrder("507B7621", "B3380E98", "F4CF8B96");
        Map<String, RelatedPerson> byId = related.stream().collect(Collectors.toMap(Resource::getIdPart, r -> r));
        assertThat(byId.get("507B7621").getPatient().getReference()).isEqualTo("Patient/9000000009");
        assertThat(byId.get("507B7621").getPatient().getIdentifier().getValue()).isEqualTo("9000000009");
        // The sandbox file gives this one an empty patient; the entry's full URL names 9000000017.
        assertThat(byId.get("F4CF8B96").getPatient().getReference()).isEqualTo("Patient/9000000017");
        assertThat(byId.get("F4CF8B96").getPatient().getIdentifier().getSystem()).isEqualTo(NhsNumber.SYSTEM);
    }

    @Test
    void fromDirectory_readsEverySyntheaResourceOfTheTenPatientSet() throws IOException {
        Map<String, Long> counts = countByType();
        Path synthea = sharedData.resolve("synthea/10-patients");
        for (String type : List.of("Organization", "Location", "Practitioner", "Encounter")) {
            long lines = Files.readAllLines(synthea.resolve(type + ".ndjson")).stream().filter(l -> !l.isBlank()).count();
            assertThat(counts.get(type)).as(type).isEqualTo(lines);
        }
        long syntheaPatients = Files.readAllLines(synthea.resolve("Patient.ndjson")).stream().filter(l -> !l.isBlank()).count();
        assertThat(counts.get("Patient")).isEqualTo(syntheaPatients + 5);
    }

    @Test
    void fromDirectory_rewritesEverySyntheaConditionalReferenceToALoadedResource() throws IOException {
        String rawEncounters = Files.readString(sharedData.resolve("synthea/10-patients/Encounter.ndjson"), StandardCharsets.UTF_8);
        assertThat(rawEncounters).contains("Practitioner?identifier=");

        Map<String, Resource> all = byKey();
        int encounters = 0;
        for (Resource resource : resources) {
            for (Reference reference : FHIR.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                if (reference.hasReference()) {
                    assertThat(reference.getReference()).as(resource.getIdPart()).doesNotContain("?");
                    assertThat(all).as(resource.getIdPart() + " -> " + reference.getReference()).containsKey(reference.getReference());
                }
            }
            if (resource instanceof Encounter encounter) {
                encounters++;
                assertThat(encounter.getParticipantFirstRep().getIndividual().getReference()).startsWith("Practitioner/");
                assertThat(encounter.getLocationFirstRep().getLocation().getReference()).startsWith("Location/");
                assertThat(encounter.getServiceProvider().getReference()).startsWith("Organization/");
                assertThat(encounter.getSubject().getReference()).startsWith("Patient/");
            }
        }
        assertThat(encounters).isGreaterThan(1000);
    }

    @Test
    void fromDirectory_givesTransactionsOfPutsInLoadOrder() {
        List<Bundle> bundles = SharedDataBundles.fromDirectory(sharedData, 200);
        Map<String, Integer> position = new HashMap<>();
        int index = 0;
        for (Bundle bundle : bundles) {
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
            assertThat(bundle.getEntry()).hasSizeBetween(1, 200);
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
                assertThat(entry.getRequest().getUrl())
                        .isEqualTo(entry.getResource().fhirType() + "/" + entry.getResource().getIdElement().getIdPart());
                position.put(entry.getRequest().getUrl(), index++);
            }
        }
        assertThat(position).hasSize(resources.size());
        for (Bundle bundle : bundles) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                for (Reference reference : FHIR.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)) {
                    if (reference.hasReference()) {
                        assertThat(position.get(reference.getReference())).isLessThan(position.get(entry.getRequest().getUrl()));
                    }
                }
            }
        }
        assertThat(SharedDataBundles.fromDirectory(sharedData)).hasSize((resources.size() + 99) / 100);
    }

    @Test
    void fromDirectory_thatDoesNotExist_failsWithAClearMessage(@TempDir Path empty) {
        Path missing = empty.resolve("no-such-folder");
        assertThatThrownBy(() -> SharedDataBundles.fromDirectory(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DG-9201")
                .hasMessageContaining("no-such-folder");
    }

    @Test
    void fromDirectory_skipsFilesThatAreNotPatientsOrDoNotParse(@TempDir Path root) throws IOException {
        Path pds = Files.createDirectories(root.resolve("pds"));
        Files.writeString(pds.resolve("Patient.json"), "{\"resourceType\":\"Organization\",\"id\":\"not-a-patient\"}");
        Files.writeString(pds.resolve("Sensitive_Patient.json"), "{ this is not json");
        Files.copy(sharedData.resolve("pds/Minimal_Patient.json"), pds.resolve("Minimal_Patient.json"));
        Files.writeString(pds.resolve("Broken_RelatedPersonBundle.json"), "{\"resourceType\":\"Patient\",\"id\":\"x\"}");

        List<Resource> loaded = SharedDataBundles.resourcesFromDirectory(root);

        assertThat(loaded).extracting(r -> r.fhirType() + "/" + r.getIdPart()).containsExactly("Patient/9000000033");
    }

    @Test
    void fromDirectory_dropsAConditionalReferenceThatMatchesNothingButKeepsItsDisplay(@TempDir Path root) throws IOException {
        Path synthea = Files.createDirectories(root.resolve("synthea/10-patients"));
        Files.writeString(synthea.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n");
        Files.writeString(synthea.resolve("Practitioner.ndjson"), "{\"resourceType\":\"Practitioner\",\"id\":\"gp1\","
                + "\"identifier\":[{\"system\":\"http://hl7.org/fhir/sid/us-npi\",\"value\":\"111\"}]}\n");
        Files.writeString(synthea.resolve("Encounter.ndjson"), "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"status\":\"finished\","
                + "\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/p1\"},"
                + "\"participant\":[{\"individual\":{\"reference\":\"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|111\"}},"
                + "{\"individual\":{\"reference\":\"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|999\",\"display\":\"Dr Nobody\"}}],"
                + "\"serviceProvider\":{\"reference\":\"Organization/missing\",\"display\":\"Gone\"}}\n");

        Map<String, Resource> loaded = SharedDataBundles.resourcesFromDirectory(root).stream()
                .collect(Collectors.toMap(r -> r.fhirType() + "/" + r.getIdPart(), r -> r));

        Encounter encounter = (Encounter) loaded.get("Encounter/e1");
        assertThat(encounter.getParticipant().get(0).getIndividual().getReference()).isEqualTo("Practitioner/gp1");
        assertThat(encounter.getParticipant().get(1).getIndividual().hasReference()).isFalse();
        assertThat(encounter.getParticipant().get(1).getIndividual().getDisplay()).isEqualTo("Dr Nobody");
        assertThat(encounter.getServiceProvider().hasReference()).isFalse();
        assertThat(encounter.getSubject().getReference()).isEqualTo("Patient/p1");
        assertThat(Set.copyOf(loaded.keySet())).containsExactlyInAnyOrder("Practitioner/gp1", "Patient/p1", "Encounter/e1");
    }
}

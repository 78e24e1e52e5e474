package org.disclosureguard.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The IHE BALP profiles the guard's AuditEvents claim are shipped as differentials (see {@code fhir-profiles/BALP.md});
 * HAPI must be able to build a full snapshot of each from the shipped files alone, with every slice the guard fills.
 */
class BalpStructureDefinitionsTest {

    private static final List<String> PROFILES = List.of(
            FhirProfiles.BALP_READ,
            FhirProfiles.BALP_PATIENT_READ,
            FhirProfiles.BALP_QUERY,
            FhirProfiles.BALP_PATIENT_QUERY,
            FhirProfiles.BALP_AUTHZ_CONSENT,
            FhirProfiles.BALP_PRIVACY_DISCLOSURE_SOURCE);

    @TestFactory
    Stream<DynamicTest> eachBalpProfile_hasASnapshotGeneratedFromTheShippedFiles() {
        return PROFILES.stream().map(url -> dynamicTest(url.substring(url.lastIndexOf('/') + 1), () -> {
            StructureDefinition shipped = ConformanceFiles.structureDefinitions().stream()
                    .filter(sd -> sd.getUrl().equals(url))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(url + " is not shipped"));
            assertThat(shipped.hasSnapshot()).as("shipped as a differential").isFalse();

            StructureDefinition withSnapshot = (StructureDefinition) SharedValidator.support()
                    .generateSnapshot(new ValidationSupportContext(SharedValidator.support()), shipped.copy(),
                            url, null, shipped.getName());
            assertThat(withSnapshot).isNotNull();
            assertThat(withSnapshot.getSnapshot().getElement())
                    .as("snapshot of %s", url)
                    .hasSizeGreaterThan(shipped.getDifferential().getElement().size())
                    .anySatisfy(e -> assertThat(e.getPath()).isEqualTo("AuditEvent.entity.what"));
        }));
    }
}

package org.disclosureguard.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.disclosureguard.profiles.ConformanceFiles.Parsed;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every conformance file parses, validates, and is uniquely and consistently named. */
class ConformanceResourcesTest {

    @TestFactory
    Stream<DynamicTest> eachFile_parsesStrictlyWithTheHapiJsonParser() {
        return ConformanceFiles.listed().stream().map(file -> dynamicTest(file.fileName(), () -> {
            Resource resource = file.parseStrictly();
            assertThat(resource.getIdElement().getIdPart()).as("id").isNotBlank();
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachFile_validatesWithoutErrors() {
        return ConformanceFiles.listed().stream().map(file -> dynamicTest(file.fileName(), () -> {
            ValidationResult result = SharedValidator.validate(file.json());
            List<SingleValidationMessage> errors = SharedValidator.errors(result);
            if (!errors.isEmpty()) {
                System.out.println("Validation errors in " + file.fileName() + ":\n" + SharedValidator.describe(errors));
            }
            assertThat(errors)
                    .as("ERROR/FATAL validation messages for %s:%n%s", file.fileName(), SharedValidator.describe(errors))
                    .isEmpty();
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachFile_isNamedByItsResourceTypeAndId() {
        return ConformanceFiles.parsed().stream().map(p -> dynamicTest(p.file().fileName(), () ->
                assertThat(p.file().fileName())
                        .isEqualTo(p.resource().fhirType() + "-" + p.resource().getIdElement().getIdPart() + ".json")));
    }

    @Test
    void resourceIds_areUniqueWithinEachResourceType() {
        List<String> typeAndIds = ConformanceFiles.parsed().stream().map(Parsed::typeAndId).toList();
        assertThat(typeAndIds).doesNotHaveDuplicates();
    }

    @Test
    void canonicalUrls_areUniqueAcrossAllFiles() {
        List<String> urls = ConformanceFiles.parsed().stream()
                .map(Parsed::url)
                .filter(Objects::nonNull)
                .toList();
        assertThat(urls).hasSameSizeAs(ConformanceFiles.parsed()).doesNotHaveDuplicates();
    }

    @TestFactory
    Stream<DynamicTest> eachCodeSystem_hasUniqueCodes() {
        return ConformanceFiles.codeSystems().stream().map(cs -> dynamicTest(cs.getIdElement().getIdPart(), () -> {
            List<String> codes = allConcepts(cs.getConcept()).map(ConceptDefinitionComponent::getCode).toList();
            assertThat(codes).isNotEmpty().doesNotHaveDuplicates();
            assertThat(cs.getCount()).as("CodeSystem.count").isEqualTo(codes.size());
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachLocalConcept_hasADisplayAndADefinition() {
        return ConformanceFiles.codeSystems().stream()
                .filter(cs -> cs.getUrl().startsWith(FhirProfiles.CANONICAL_BASE))
                .flatMap(cs -> allConcepts(cs.getConcept())
                .map(concept -> dynamicTest(cs.getIdElement().getIdPart() + "#" + concept.getCode(), () -> {
                    assertThat(concept.getDisplay()).as("display").isNotBlank();
                    assertThat(concept.getDefinition()).as("definition").isNotBlank().hasSizeGreaterThan(40);
                })));
    }

    @TestFactory
    Stream<DynamicTest> eachLocalResource_carriesTheReleaseMetadata() {
        return ConformanceFiles.parsed().stream().filter(Parsed::isLocal).map(p -> dynamicTest(p.file().fileName(), () -> {
            MetadataResource r = (MetadataResource) p.resource();
            assertThat(r.getStatus()).isEqualTo(PublicationStatus.ACTIVE);
            assertThat(r.getVersion()).isEqualTo(FhirProfiles.RESOURCES_VERSION);
            assertThat(r.getPublisher()).isEqualTo("Disclosure Guard");
            assertThat(r.getName()).matches("[A-Z][A-Za-z0-9]*");
            assertThat(r.getDescription()).isNotBlank();
            assertThat(r.getIdElement().getIdPart()).startsWith("dg-");
        }));
    }

    @Test
    void canonicalUrlConstants_nameExactlyTheLocalResources() {
        Set<String> constants = Set.of(
                FhirProfiles.SENSITIVITY_CODE_SYSTEM,
                FhirProfiles.PURPOSE_OF_USE_CODE_SYSTEM,
                FhirProfiles.LEGAL_BASIS_CODE_SYSTEM,
                FhirProfiles.REQUESTER_CLASS_CODE_SYSTEM,
                FhirProfiles.SENSITIVITY_VALUE_SET,
                FhirProfiles.PURPOSE_OF_USE_VALUE_SET,
                FhirProfiles.LEGAL_BASIS_VALUE_SET,
                FhirProfiles.REQUESTER_CLASS_VALUE_SET,
                FhirProfiles.SECURITY_LABELS_VALUE_SET,
                FhirProfiles.SENSITIVITY_TO_V3_ACT_CODE_CONCEPT_MAP,
                FhirProfiles.PURPOSE_TO_V3_ACT_REASON_CONCEPT_MAP);
        Set<String> localUrls = ConformanceFiles.parsed().stream()
                .filter(Parsed::isLocal)
                .map(Parsed::url)
                .collect(Collectors.toSet());
        assertThat(localUrls).containsExactlyInAnyOrderElementsOf(constants);
    }

    @Test
    void ds4pAndBalpConstants_nameTheShippedStructureDefinitions() {
        assertThat(ConformanceFiles.structureDefinitions())
                .extracting(sd -> sd.getUrl())
                .containsExactlyInAnyOrder(
                        FhirProfiles.DS4P_INLINE_SECURITY_LABEL_EXTENSION,
                        FhirProfiles.DS4P_SECURITY_LABEL_BASIS_EXTENSION,
                        FhirProfiles.DS4P_SECURITY_LABEL_CLASSIFIER_EXTENSION,
                        FhirProfiles.BALP_READ,
                        FhirProfiles.BALP_PATIENT_READ,
                        FhirProfiles.BALP_QUERY,
                        FhirProfiles.BALP_PATIENT_QUERY,
                        FhirProfiles.BALP_AUTHZ_CONSENT,
                        FhirProfiles.BALP_PRIVACY_DISCLOSURE_SOURCE);
    }

    @TestFactory
    Stream<DynamicTest> eachLocalCodeSystem_hasAValueSetOfAllItsCodes() {
        return ConformanceFiles.codeSystems().stream()
                .filter(cs -> cs.getUrl().startsWith(FhirProfiles.CANONICAL_BASE))
                .map(cs -> dynamicTest(cs.getIdElement().getIdPart(), () -> {
            ValueSet vs = ConformanceFiles.valueSets().stream()
                    .filter(v -> v.getUrl().equals(cs.getValueSet()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("CodeSystem.valueSet " + cs.getValueSet() + " is not shipped"));
            assertThat(vs.getCompose().getExclude()).isEmpty();
            assertThat(vs.getCompose().getInclude()).singleElement().satisfies(include -> {
                assertThat(include.getSystem()).isEqualTo(cs.getUrl());
                assertThat(include.getConcept()).as("explicit concepts").isEmpty();
                assertThat(include.getFilter()).as("filters").isEmpty();
            });
        }));
    }

    @Test
    void localCodeSystems_defineTheCodesTheGuardRelyOn() {
        assertThat(codes(FhirProfiles.SENSITIVITY_CODE_SYSTEM)).containsExactlyInAnyOrder("NATIONALITY", "LANGUAGE");
        assertThat(codes(FhirProfiles.PURPOSE_OF_USE_CODE_SYSTEM))
                .contains("IMMIGENF", "CRIMEPREV", "SAFEGUARD", "BENEFITFRAUD");
        assertThat(codes(FhirProfiles.LEGAL_BASIS_CODE_SYSTEM)).contains(
                "DEPORT-SERIOUS-CRIME", "PUBLIC-SECURITY", "COURT-ORDER", "SAFEGUARDING", "DIRECT-CARE",
                "VITAL-INTERESTS", "PUBLIC-HEALTH-STATUTORY", "SERIOUS-CRIME", "CONSENT", "IMMIGRATION-ADMIN",
                "BENEFIT-TAX");
        assertThat(codes(FhirProfiles.REQUESTER_CLASS_CODE_SYSTEM)).contains(
                "practice", "nhs-provider", "police", "immigration-enforcement", "benefits", "tax", "public-health",
                "local-authority");
    }

    static List<String> codes(String codeSystemUrl) {
        return allConcepts(ConformanceFiles.codeSystem(codeSystemUrl).getConcept())
                .map(ConceptDefinitionComponent::getCode)
                .toList();
    }

    static Stream<ConceptDefinitionComponent> allConcepts(List<ConceptDefinitionComponent> concepts) {
        return concepts.stream().flatMap(c -> Stream.concat(Stream.of(c), allConcepts(c.getConcept())));
    }
}

package org.disclosureguard.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.CodeValidationResult;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The codes the ValueSets and ConceptMaps name exist, with the displays they give: the HAPI
 * validator checks ConceptMap codes but not the concepts a ValueSet lists, so this test does both.
 */
class TerminologyContentTest {

    private static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private static final String V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    /**
     * v3-ActCode codes HL7 Terminology (THO) added after the 2018 v3-ActCode that HAPI ships for R4,
     * so they cannot be checked here. Listed in docs/vocabulary.md.
     */
    private static final Set<String> NEWER_THAN_BUNDLED_ACT_CODE = Set.of("IDS", "PROCESSINLINELABEL");

    @TestFactory
    Stream<DynamicTest> eachConceptListedInAValueSet_existsWithTheDisplayGiven() {
        return ConformanceFiles.valueSets().stream().flatMap(vs -> vs.getCompose().getInclude().stream()
                .flatMap(include -> include.getConcept().stream()
                        .filter(c -> !(V3_ACT_CODE.equals(include.getSystem())
                                && NEWER_THAN_BUNDLED_ACT_CODE.contains(c.getCode())))
                        .map(c -> dynamicTest(vs.getIdElement().getIdPart() + ": " + include.getSystem() + "#" + c.getCode(),
                                () -> assertKnownWithDisplay(include.getSystem(), c.getCode(), c.getDisplay())))));
    }

    @Test
    void codesNewerThanTheBundledActCode_areStillUnknownToIt_soTheExceptionListIsNeeded() {
        for (String code : NEWER_THAN_BUNDLED_ACT_CODE) {
            CodeValidationResult result = validateCode(V3_ACT_CODE, code, null, null);
            assertThat(result == null || !result.isOk())
                    .as("%s is now in the bundled v3-ActCode: remove it from NEWER_THAN_BUNDLED_ACT_CODE", code)
                    .isTrue();
        }
    }

    @TestFactory
    Stream<DynamicTest> eachConceptMapCode_existsWithTheDisplayGiven() {
        return ConformanceFiles.conceptMaps().stream().flatMap(map -> map.getGroup().stream()
                .flatMap(group -> group.getElement().stream().flatMap(element -> Stream.concat(
                        Stream.of(dynamicTest(map.getIdElement().getIdPart() + ": source " + element.getCode(),
                                () -> assertKnownWithDisplay(group.getSource(), element.getCode(), element.getDisplay()))),
                        element.getTarget().stream().map(target -> dynamicTest(
                                map.getIdElement().getIdPart() + ": " + element.getCode() + " -> " + target.getCode(),
                                () -> assertKnownWithDisplay(group.getTarget(), target.getCode(), target.getDisplay())))))));
    }

    @Test
    void purposeMap_mapsEveryLocalPurposeToAV3ActReason() {
        assertMapsEveryCode(FhirProfiles.PURPOSE_TO_V3_ACT_REASON_CONCEPT_MAP,
                FhirProfiles.PURPOSE_OF_USE_CODE_SYSTEM, V3_ACT_REASON);
    }

    @Test
    void sensitivityMap_mapsEveryLocalSensitivityToAV3ActCode() {
        assertMapsEveryCode(FhirProfiles.SENSITIVITY_TO_V3_ACT_CODE_CONCEPT_MAP,
                FhirProfiles.SENSITIVITY_CODE_SYSTEM, V3_ACT_CODE);
    }

    @Test
    void securityLabelsValueSet_containsConfidentialityV3AndLocalSensitivityCodes() {
        String vs = FhirProfiles.SECURITY_LABELS_VALUE_SET;
        assertThat(inValueSet("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", vs)).isTrue();
        assertThat(inValueSet(V3_ACT_CODE, "DEMO", vs)).isTrue();
        assertThat(inValueSet(V3_ACT_CODE, "LOCIS", vs)).isTrue();
        assertThat(inValueSet(FhirProfiles.SENSITIVITY_CODE_SYSTEM, "NATIONALITY", vs)).isTrue();
        assertThat(inValueSet(FhirProfiles.SENSITIVITY_CODE_SYSTEM, "LANGUAGE", vs)).isTrue();
    }

    @Test
    void securityLabelsValueSet_excludesPurposesAndUnlistedActCodes() {
        String vs = FhirProfiles.SECURITY_LABELS_VALUE_SET;
        assertThat(inValueSet(FhirProfiles.PURPOSE_OF_USE_CODE_SYSTEM, "IMMIGENF", vs)).isFalse();
        assertThat(inValueSet(V3_ACT_CODE, "HIV", vs)).isFalse();
        assertThat(inValueSet("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "ETH", vs)).isFalse();
    }

    @Test
    void securityLabelsValueSet_listsEveryV3SensitivityCodeTheGuardUses() {
        ValueSet vs = ConformanceFiles.valueSets().stream()
                .filter(v -> v.getUrl().equals(FhirProfiles.SECURITY_LABELS_VALUE_SET))
                .findFirst()
                .orElseThrow();
        List<String> actCodes = vs.getCompose().getInclude().stream()
                .filter(include -> V3_ACT_CODE.equals(include.getSystem()))
                .flatMap(include -> include.getConcept().stream())
                .map(ConceptReferenceComponent::getCode)
                .toList();
        assertThat(actCodes).contains("DEMO", "DOB", "GENDER", "MARST", "RACE", "REL", "LOCIS", "IDS",
                "PROCESSINLINELABEL", "NORDSCLCD");
        assertThat(vs.getCompose().getInclude()).extracting(ConceptSetComponent::getSystem)
                .contains(FhirProfiles.SENSITIVITY_CODE_SYSTEM, "http://terminology.hl7.org/CodeSystem/v3-Confidentiality");
    }

    private static void assertMapsEveryCode(String mapUrl, String sourceSystem, String targetSystem) {
        ConceptMap map = ConformanceFiles.conceptMaps().stream()
                .filter(m -> m.getUrl().equals(mapUrl))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No ConceptMap " + mapUrl));
        ConceptMapGroupComponent group = map.getGroup().stream()
                .filter(g -> g.getSource().equals(sourceSystem) && g.getTarget().equals(targetSystem))
                .findFirst()
                .orElseThrow(() -> new AssertionError(mapUrl + " has no group " + sourceSystem + " -> " + targetSystem));
        List<String> mapped = group.getElement().stream()
                .filter(e -> !e.getTarget().isEmpty())
                .map(SourceElementComponent::getCode)
                .toList();
        assertThat(mapped).containsExactlyInAnyOrderElementsOf(ConformanceResourcesTest.codes(sourceSystem));
        assertThat(group.getElement()).flatExtracting(SourceElementComponent::getTarget)
                .allSatisfy((TargetElementComponent t) -> assertThat(t.getEquivalence()).isNotNull());
    }

    private static void assertKnownWithDisplay(String system, String code, String display) {
        CodeValidationResult result = validateCode(system, code, null, null);
        assertThat(result).as("%s#%s is unknown", system, code).isNotNull();
        assertThat(result.isOk()).as("%s#%s: %s", system, code, result.getMessage()).isTrue();
        if (display != null) {
            assertThat(result.getDisplay()).as("official display of %s#%s", system, code).isEqualTo(display);
        }
    }

    private static boolean inValueSet(String system, String code, String valueSetUrl) {
        CodeValidationResult result = validateCode(system, code, null, valueSetUrl);
        return result != null && result.isOk();
    }

    private static CodeValidationResult validateCode(String system, String code, String display, String valueSetUrl) {
        IValidationSupport support = SharedValidator.support();
        return support.validateCode(new ValidationSupportContext(support), new ConceptValidationOptions(),
                system, code, display, valueSetUrl);
    }
}

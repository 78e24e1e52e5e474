package org.disclosureguard.profiles;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;

/**
 * One HAPI validator for all tests in this module: the core R4 definitions, in-memory terminology,
 * the common code systems (BCP 47, ISO 3166, UCUM, ...), snapshot generation, and every conformance
 * file this module ships. Building it and its first validations take tens of seconds, so it is
 * built once, lazily; HAPI's validator and support chain are thread-safe.
 *
 * <p>One adjustment to HAPI 8.8.1 (FHIR core validator 6.7.9): when it validates an extension
 * StructureDefinition whose context is an element, the core validator lists the published FHIR
 * versions between the context's version and itself ({@code "4.0"}), fails to match that with
 * HAPI's {@code "4.0.1"}, and tries to download the {@code hl7.fhir.r4.core} package from the FHIR
 * package registry. Offline (as here and in CI) that fails, the whole StructureDefinition check is
 * abandoned and reported as {@code ERROR_GENERATING_SNAPSHOT: Unable to resolve package id
 * hl7.fhir.r4.core#null}. The worker context below reports the version as {@code "4.0"}, which the
 * validator matches with its own R4 definitions, so the StructureDefinitions are checked in full
 * and nothing is fetched. Other resources validate with identical messages either way. See
 * docs/vocabulary.md.
 */
final class SharedValidator {

    private SharedValidator() {
    }

    static FhirValidator validator() {
        return Holder.VALIDATOR;
    }

    static IValidationSupport support() {
        return Holder.SUPPORT;
    }

    static ValidationResult validate(String json) {
        return validator().validateWithResult(json);
    }

    /** The ERROR and FATAL messages of a result. */
    static List<SingleValidationMessage> errors(ValidationResult result) {
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR
                        || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
    }

    /** One line per message: severity, location, line and column, message id and text. */
    static String describe(List<SingleValidationMessage> messages) {
        return messages.stream()
                .map(m -> m.getSeverity() + " " + m.getLocationString()
                        + " [" + m.getLocationLine() + ":" + m.getLocationCol() + "] "
                        + (m.getMessageId() == null ? "" : m.getMessageId() + ": ")
                        + m.getMessage())
                .collect(Collectors.joining("\n"));
    }

    private static final class Holder {
        static final IValidationSupport SUPPORT = buildSupport();
        static final FhirValidator VALIDATOR = buildValidator(SUPPORT);

        private static IValidationSupport buildSupport() {
            PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(ConformanceFiles.FHIR);
            ConformanceFiles.parsed().forEach(p -> own.addResource(p.resource()));
            return new ValidationSupportChain(
                    new DefaultProfileValidationSupport(ConformanceFiles.FHIR),
                    own,
                    new SnapshotGeneratingValidationSupport(ConformanceFiles.FHIR),
                    new InMemoryTerminologyServerValidationSupport(ConformanceFiles.FHIR),
                    new CommonCodeSystemsTerminologyService(ConformanceFiles.FHIR));
        }

        private static FhirValidator buildValidator(IValidationSupport support) {
            FhirInstanceValidator module = new FhirInstanceValidator(support);
            module.setWrappedWorkerContext(support, new R4MajorMinorWorkerContext(support));
            // An extension the validator cannot resolve is an error here, so a broken or missing
            // DS4P definition cannot pass unnoticed.
            module.setAnyExtensionsAllowed(false);
            FhirValidator validator = ConformanceFiles.FHIR.newValidator();
            validator.registerValidatorModule(module);
            return validator;
        }
    }

    /** Reports FHIR version "4.0" so the validator checks extension contexts offline (see above). */
    private static final class R4MajorMinorWorkerContext extends WorkerContextValidationSupportAdapter {

        R4MajorMinorWorkerContext(IValidationSupport support) {
            super(support);
        }

        @Override
        public String getVersion() {
            return "4.0";
        }
    }
}

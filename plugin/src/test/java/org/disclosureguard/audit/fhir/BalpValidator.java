package org.disclosureguard.audit.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;
import org.disclosureguard.profiles.FhirProfiles;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * One HAPI validator for the audit views' tests: the core R4 definitions, in-memory terminology, snapshot generation
 * and every conformance file {@code fhir-profiles} ships (the IHE BALP differentials among them, so the validator
 * builds their snapshots itself). Unknown extensions are errors. Built once, lazily; HAPI's validator is thread-safe.
 * The worker context reports FHIR version "4.0" for the reason given in fhir-profiles' {@code SharedValidator}.
 */
final class BalpValidator {

    static final FhirContext FHIR = FhirContext.forR4Cached();

    private BalpValidator() {}

    static ValidationResult validate(IBaseResource resource) {
        return Holder.VALIDATOR.validateWithResult(resource);
    }

    static List<SingleValidationMessage> errors(ValidationResult result) {
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
    }

    static String describe(List<SingleValidationMessage> messages) {
        return messages.stream()
                .map(m -> m.getSeverity() + " " + m.getLocationString() + " "
                        + (m.getMessageId() == null ? "" : m.getMessageId() + ": ") + m.getMessage())
                .collect(Collectors.joining("\n"));
    }

    private static final class Holder {
        static final FhirValidator VALIDATOR = build();

        private static FhirValidator build() {
            PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(FHIR);
            for (String path : FhirProfiles.resourcePaths()) {
                try (InputStream in = FhirProfiles.open(path)) {
                    own.addResource(FHIR.newJsonParser().parseResource(in));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            IValidationSupport support = new ValidationSupportChain(
                    new DefaultProfileValidationSupport(FHIR),
                    own,
                    new SnapshotGeneratingValidationSupport(FHIR),
                    new InMemoryTerminologyServerValidationSupport(FHIR),
                    new CommonCodeSystemsTerminologyService(FHIR));
            FhirInstanceValidator module = new FhirInstanceValidator(support);
            module.setWrappedWorkerContext(support, new R4MajorMinor(support));
            module.setAnyExtensionsAllowed(false);
            FhirValidator validator = FHIR.newValidator();
            validator.registerValidatorModule(module);
            return validator;
        }
    }

    private static final class R4MajorMinor extends WorkerContextValidationSupportAdapter {
        R4MajorMinor(IValidationSupport support) {
            super(support);
        }

        @Override
        public String getVersion() {
            return "4.0";
        }
    }
}

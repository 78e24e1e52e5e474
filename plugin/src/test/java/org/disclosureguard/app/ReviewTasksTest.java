package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.disclosureguard.review.CaseState;
import org.disclosureguard.review.Escalation;
import org.disclosureguard.review.RequestShape;
import org.disclosureguard.review.ReviewCase;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A review case as a FHIR R4 Task: the mapping, and every state's Task valid against the core R4 definitions. */
class ReviewTasksTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final FhirValidator VALIDATOR = validator();
    private static final SecurityLabel DOB = SecurityLabel.parse("DOB");

    private static final RequestContext CONTEXT = new RequestContext(new Requester("home-office",
            "Home Office Immigration Enforcement", "immigration-enforcement", false), "IMMIGENF",
            "DEPORT-SERIOUS-CRIME", "HO-DEP-1", "IO 2231", Interaction.READ, "Patient", Map.of());

    static ReviewCase inState(CaseState state) {
        Decision decision = PolicyEngine.defaults().decideRequest(CONTEXT);
        Escalation escalation = Escalation.of(decision, "req-held");
        boolean decided = state == CaseState.APPROVED || state == CaseState.RELEASED || state == CaseState.REFUSED;
        Set<SecurityLabel> approved = new java.util.HashSet<>(escalation.proposedWithheld());
        approved.add(DOB);
        ReviewCase.FirstApproval first = state == CaseState.PENDING || state == CaseState.EXPIRED
                || state == CaseState.WITHDRAWN ? null
                : new ReviewCase.FirstApproval("cg-anne", T0.plusSeconds(60), escalation.proposedWithheld(), "ok");
        ReviewCase.Question question = state == CaseState.INFORMATION_REQUESTED
                ? new ReviewCase.Question("cg-ben", T0.plusSeconds(120), "Which conviction?", "", null) : null;
        return new ReviewCase("AAAAAAAAAAAAAAAAAAAAAAAA", state, 3, T0, T0.plus(Duration.ofDays(14)), CONTEXT,
                RequestShape.read("Patient", "9000000009"), escalation, decided ? "cg-ben" : "",
                decided ? T0.plusSeconds(300) : null, decided && state != CaseState.REFUSED ? approved : Set.of(),
                "", state == CaseState.REFUSED ? "Not proportionate." : "",
                state == CaseState.RELEASED ? "req-release" : "", state == CaseState.RELEASED
                        ? T0.plusSeconds(600) : null, first, question);
    }

    @Test
    void anApprovedCase_mapsEveryPartOfTheCase() {
        Task task = ReviewTasks.task(inState(CaseState.APPROVED));

        assertThat(task.getIdPart()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAAAA");
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("APPROVED");
        assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
        assertThat(task.getFor().getReference()).isEqualTo("Patient/9000000009");
        assertThat(task.getRequester().getDisplay()).isEqualTo("Home Office Immigration Enforcement");
        assertThat(task.getRequester().getIdentifier().getValue()).isEqualTo("home-office");
        assertThat(task.getReasonCode().getCodingFirstRep().getCode()).isEqualTo("IMMIGENF");
        assertThat(inputs(task, "legal-basis")).containsExactly("DEPORT-SERIOUS-CRIME");
        assertThat(inputs(task, "case-reference")).containsExactly("HO-DEP-1");
        assertThat(inputs(task, "request")).containsExactly("Patient/9000000009");
        assertThat(inputs(task, "rule")).containsExactly("immigration-serious-crime-escalated");
        assertThat(inputs(task, "approvals-required")).containsExactly("2");
        assertThat(inputs(task, "proposed-withheld")).contains("LOCIS", "NATIONALITY").doesNotContain("DOB");
        assertThat(outputs(task, "decision")).containsExactly("approved");
        assertThat(outputs(task, "first-approver")).containsExactly("cg-anne");
        assertThat(outputs(task, "approver")).containsExactly("cg-ben");
        assertThat(outputs(task, "withheld")).contains("DOB", "LOCIS");
        assertThat(task.getRestriction().getPeriod().getEnd().toInstant()).isEqualTo(T0.plus(Duration.ofDays(14)));
    }

    @Test
    void aRefusedAndAQuestionedCase_carryTheReasonAndTheQuestion() {
        Task refused = ReviewTasks.task(inState(CaseState.REFUSED));
        assertThat(refused.getStatus()).isEqualTo(Task.TaskStatus.REJECTED);
        assertThat(outputs(refused, "refusal-reason")).containsExactly("Not proportionate.");
        assertThat(outputs(refused, "withheld")).isEmpty();

        Task asked = ReviewTasks.task(inState(CaseState.INFORMATION_REQUESTED));
        assertThat(asked.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(outputs(asked, "question")).containsExactly("Which conviction?");
        assertThat(outputs(asked, "decision")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(CaseState.class)
    void everyState_givesATaskValidAgainstTheCoreR4Definitions(CaseState state) {
        Task task = ReviewTasks.task(inState(state));
        String json = ReviewTasks.json(task);
        List<SingleValidationMessage> errors = VALIDATOR.validateWithResult(json).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
        assertThat(errors).as(() -> errors.stream().map(m -> m.getLocationString() + " " + m.getMessage())
                .collect(Collectors.joining("\n")) + "\n" + json).isEmpty();
        assertThat(ReviewTasks.status(state)).isEqualTo(task.getStatus());
    }

    @Test
    void theValidator_reportsABrokenTask_soThatAValidResultMeansSomething() {
        Task broken = ReviewTasks.task(inState(CaseState.PENDING));
        broken.setIntent(null);
        broken.addInput().setType(null);
        List<SingleValidationMessage> errors = VALIDATOR.validateWithResult(ReviewTasks.json(broken)).getMessages()
                .stream().filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR).toList();
        assertThat(errors).isNotEmpty();
    }

    private static List<String> inputs(Task task, String type) {
        return task.getInput().stream().filter(p -> p.getType().getCodingFirstRep().getCode().equals(type))
                .map(p -> value(p.getValue())).toList();
    }

    private static List<String> outputs(Task task, String type) {
        return task.getOutput().stream().filter(p -> p.getType().getCodingFirstRep().getCode().equals(type))
                .map(p -> value(p.getValue())).toList();
    }

    private static String value(org.hl7.fhir.r4.model.Type value) {
        if (value instanceof org.hl7.fhir.r4.model.Coding coding) {
            return coding.getCode();
        }
        if (value instanceof org.hl7.fhir.r4.model.CodeableConcept concept) {
            return concept.getCodingFirstRep().getCode();
        }
        return value.primitiveValue();
    }

    private static FhirValidator validator() {
        IValidationSupport support = new ValidationSupportChain(new DefaultProfileValidationSupport(FHIR),
                new SnapshotGeneratingValidationSupport(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
                new CommonCodeSystemsTerminologyService(FHIR));
        FhirInstanceValidator module = new FhirInstanceValidator(support);
        module.setWrappedWorkerContext(support, new WorkerContextValidationSupportAdapter(support) {
            @Override
            public String getVersion() {
                return "4.0";
            }
        });
        FhirValidator validator = FHIR.newValidator();
        validator.registerValidatorModule(module);
        return validator;
    }
}

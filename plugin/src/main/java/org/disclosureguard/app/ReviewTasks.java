package org.disclosureguard.app;

import ca.uhn.fhir.context.FhirContext;
import java.util.Comparator;
import java.util.Date;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.review.CaseState;
import org.disclosureguard.review.ReviewCase;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;

/**
 * A review case as a FHIR R4 {@link Task} ({@code docs/review.md}, "The case as a FHIR Task"), for practice systems
 * that track the review with the practice's other tasks. The mapping:
 * <ul>
 *   <li>{@code status}: PENDING {@code requested}; AWAITING_SECOND_APPROVAL {@code in-progress};
 *       INFORMATION_REQUESTED {@code on-hold}; APPROVED and RELEASED {@code completed}; REFUSED {@code rejected};
 *       EXPIRED and WITHDRAWN {@code cancelled}. {@code businessStatus} carries the guard's own state
 *       ({@value #STATE_SYSTEM});</li>
 *   <li>{@code intent} {@code order}; {@code for} the patient when known; {@code authoredOn} when held,
 *       {@code restriction.period.end} the expiry, {@code lastModified} the latest step;</li>
 *   <li>{@code requester}: the registered requester as a reference by identifier ({@value #REQUESTER_SYSTEM}) with
 *       the organisation as display; {@code performerType} the reviewer role; {@code reasonCode} the purpose of
 *       use (v3-ActReason, or the guard's purpose-of-use code system for the codes v3-ActReason lacks);</li>
 *   <li>{@code input} ({@value #PARAMETER_SYSTEM} types): legal basis, case reference, requesting officer, the
 *       request, each label the policy proposed to withhold, the rule, the policy version, approvals needed;</li>
 *   <li>{@code output}: the decision, each label the approval withholds, the refusal reason, the approvers, and the
 *       question and answer.</li>
 * </ul>
 * The reviewer's note is not included (it is for the practice's record). Stateless and thread-safe.
 */
final class ReviewTasks {

    /** The code system of the guard's case states, used in {@code businessStatus}. */
    static final String STATE_SYSTEM = "https://fhir.disclosureguard.org/CodeSystem/review-case-state";
    /** The code system of the Task's input and output types. */
    static final String PARAMETER_SYSTEM = "https://fhir.disclosureguard.org/CodeSystem/review-task-parameter";
    /** The identifier system of registered requesters. */
    static final String REQUESTER_SYSTEM = "https://fhir.disclosureguard.org/Id/requester";
    /** The guard's code system of the purposes of use that v3-ActReason lacks ({@code docs/vocabulary.md}). */
    static final String PURPOSE_SYSTEM = "https://fhir.disclosureguard.org/CodeSystem/purpose-of-use";
    /** HL7 v3 ActReason, for the standard purposes of use. */
    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    private static final Set<String> ACT_REASON_PURPOSES = Set.of("TREAT", "ETREAT", "PUBHLTH", "HLEGAL", "PATRQT");
    /** The code system of the legal bases, as the policy names them. */
    static final String LEGAL_BASIS_SYSTEM = "https://fhir.disclosureguard.org/CodeSystem/legal-basis";
    /** The code system of the reviewer roles, as the policy names them. */
    static final String ROLE_SYSTEM = "https://fhir.disclosureguard.org/CodeSystem/reviewer-role";

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private ReviewTasks() {}

    /** The case as a Task. */
    static Task task(ReviewCase c) {
        RequestContext ctx = c.context();
        Task task = new Task();
        task.setId(c.id());
        task.setStatus(status(c.state()));
        task.setBusinessStatus(new CodeableConcept(new Coding(STATE_SYSTEM, c.state().name(), c.state().name()))
                .setText(c.state().name()));
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(Task.TaskPriority.ROUTINE);
        task.getCode().setText("Review of a request to disclose patient information");
        task.setDescription(c.escalation().reason());
        if (!c.request().patientId().isEmpty()) {
            task.setFor(new Reference("Patient/" + c.request().patientId()));
        }
        task.setAuthoredOn(Date.from(c.created()));
        task.setLastModified(Date.from(lastModified(c)));
        task.setRestriction(new Task.TaskRestrictionComponent().setPeriod(new Period().setEnd(Date.from(c.expires()))));
        Reference requester = new Reference().setIdentifier(new Identifier().setSystem(REQUESTER_SYSTEM)
                .setValue(ctx.requester().id()));
        if (!ctx.requester().organisation().isBlank()) {
            requester.setDisplay(ctx.requester().organisation());
        }
        task.setRequester(requester);
        task.addPerformerType(new CodeableConcept(new Coding(ROLE_SYSTEM, c.reviewerRole(), null))
                .setText(c.reviewerRole()));
        if (!ctx.purposeOfUse().isBlank()) {
            String system = ACT_REASON_PURPOSES.contains(ctx.purposeOfUse()) ? ACT_REASON : PURPOSE_SYSTEM;
            task.setReasonCode(new CodeableConcept(new Coding(system, ctx.purposeOfUse(), null))
                    .setText(ctx.purposeOfUse()));
        }

        if (!ctx.legalBasis().isBlank()) {
            task.addInput().setType(type("legal-basis")).setValue(new CodeableConcept(
                    new Coding(LEGAL_BASIS_SYSTEM, ctx.legalBasis(), null)).setText(ctx.legalBasis()));
        }
        text(task.addInput(), "case-reference", ctx.caseReference());
        text(task.addInput(), "requesting-officer", ctx.requestingOfficer());
        text(task.addInput(), "request", describe(c));
        for (SecurityLabel label : sorted(c.escalation().proposedWithheld())) {
            task.addInput().setType(type("proposed-withheld")).setValue(coding(label));
        }
        text(task.addInput(), "rule", c.escalation().ruleId());
        text(task.addInput(), "policy-version", c.escalation().policyVersion());
        task.addInput().setType(type("approvals-required"))
                .setValue(new org.hl7.fhir.r4.model.PositiveIntType(c.escalation().approvals()));

        String decision = switch (c.state()) {
            case PENDING, AWAITING_SECOND_APPROVAL, INFORMATION_REQUESTED -> "";
            case APPROVED, RELEASED -> "approved";
            case REFUSED -> "refused";
            case EXPIRED -> "expired";
            case WITHDRAWN -> "withdrawn";
        };
        if (!decision.isEmpty()) {
            task.addOutput().setType(type("decision")).setValue(new org.hl7.fhir.r4.model.CodeType(decision));
        }
        c.first().ifPresent(first -> {
            text(task.addOutput(), "first-approver", first.reviewerId());
            for (SecurityLabel label : sorted(first.withheld())) {
                task.addOutput().setType(type("first-approval-withheld")).setValue(coding(label));
            }
        });
        if (c.state() == CaseState.APPROVED || c.state() == CaseState.RELEASED) {
            text(task.addOutput(), "approver", c.reviewerId());
            for (SecurityLabel label : sorted(c.approvedWithheld())) {
                task.addOutput().setType(type("withheld")).setValue(coding(label));
            }
        }
        if (c.state() == CaseState.REFUSED) {
            text(task.addOutput(), "refused-by", c.reviewerId());
            text(task.addOutput(), "refusal-reason", c.refusalReason());
        }
        c.releasedAt().ifPresent(t -> task.addOutput().setType(type("released"))
                .setValue(new DateTimeType(Date.from(t))));
        c.asked().ifPresent(q -> {
            text(task.addOutput(), "question", q.text());
            text(task.addOutput(), "answer", q.answer());
        });
        task.getInput().removeIf(p -> p.getValue() == null);
        task.getOutput().removeIf(p -> p.getValue() == null);
        return task;
    }

    /** The Task as FHIR JSON. */
    static String json(Task task) {
        return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(task);
    }

    static Task.TaskStatus status(CaseState state) {
        return switch (state) {
            case PENDING -> Task.TaskStatus.REQUESTED;
            case AWAITING_SECOND_APPROVAL -> Task.TaskStatus.INPROGRESS;
            case INFORMATION_REQUESTED -> Task.TaskStatus.ONHOLD;
            case APPROVED, RELEASED -> Task.TaskStatus.COMPLETED;
            case REFUSED -> Task.TaskStatus.REJECTED;
            case EXPIRED, WITHDRAWN -> Task.TaskStatus.CANCELLED;
        };
    }

    private static java.time.Instant lastModified(ReviewCase c) {
        java.time.Instant latest = c.created();
        for (java.time.Instant t : new java.time.Instant[] {c.decided(), c.released(),
                c.first().map(ReviewCase.FirstApproval::at).orElse(null),
                c.asked().map(ReviewCase.Question::asked).orElse(null),
                c.asked().map(ReviewCase.Question::answered).orElse(null)}) {
            if (t != null && t.isAfter(latest)) {
                latest = t;
            }
        }
        return latest;
    }

    private static String describe(ReviewCase c) {
        RequestContext ctx = c.context();
        return switch (ctx.interaction()) {
            case READ -> ctx.resourceType() + "/" + c.request().resourceId();
            case SEARCH -> ctx.resourceType() + "?" + query(ctx);
            case PAGE -> "a further page of an earlier search";
        };
    }

    private static String query(RequestContext ctx) {
        StringBuilder b = new StringBuilder();
        ctx.params().forEach((name, values) -> {
            for (String v : values.isEmpty() ? java.util.List.of("") : values) {
                if (b.length() > 0) {
                    b.append('&');
                }
                b.append(name).append('=').append(v);
            }
        });
        return b.toString();
    }

    private static void text(Task.ParameterComponent p, String type, String value) {
        p.setType(type(type));
        if (value != null && !value.isBlank()) {
            p.setValue(new StringType(value));
        }
    }

    private static void text(Task.TaskOutputComponent p, String type, String value) {
        p.setType(type(type));
        if (value != null && !value.isBlank()) {
            p.setValue(new StringType(value));
        }
    }

    private static CodeableConcept type(String code) {
        return new CodeableConcept(new Coding(PARAMETER_SYSTEM, code, null)).setText(code);
    }

    private static Coding coding(SecurityLabel label) {
        return new Coding(label.system(), label.code(), null);
    }

    private static java.util.List<SecurityLabel> sorted(Set<SecurityLabel> labels) {
        return labels.stream().sorted(Comparator.comparing(SecurityLabel::toString)).toList();
    }
}

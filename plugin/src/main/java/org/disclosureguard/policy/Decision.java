package org.disclosureguard.policy;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.redaction.Redaction;

/**
 * The policy's answer to one request or one resource: an immutable value that can be asserted, logged, hashed
 * into the audit record and shown to a reviewer. It always names the rule that decided and the policy version.
 *
 * <p>What each outcome carries:
 * <ul>
 *   <li>PERMIT: {@link #redaction()} withholds nothing; {@link #obligations()} go on the released data.</li>
 *   <li>REDACT: {@link #redaction()} names the labels whose elements are withheld; obligations as for PERMIT.</li>
 *   <li>ESCALATE: nothing is released now. {@link #reviewerRole()} names who decides; {@link #redaction()} and
 *       {@link #obligations()} are what the policy proposes to that reviewer (the minimum necessary).</li>
 *   <li>DENY: nothing is released; {@link #reason()} is the text shown to the requester.</li>
 * </ul>
 *
 * @param outcome what to do, never {@code null}
 * @param ruleId the rule that decided: the first matching rule with the chosen outcome, or a built-in rule
 *     ({@value PolicyEngine#DEFAULT_DENY}, {@value PolicyEngine#UNDECLARED_CODE}); never {@code null}
 * @param policyVersion {@code sha256:} and the hex digest of the policy file's bytes, never {@code null}
 * @param stage whether this decides a request before the upstream call or one resource after it, never {@code null}
 * @param redaction the labels withheld (see above), never {@code null}
 * @param released for a resource decision that releases data (PERMIT or REDACT), the labels present on the
 *     resource that are released; otherwise empty. Never {@code null}
 * @param obligations handling labels (such as v3-ActCode {@code NORDSCLCD}) to add to released data, never
 *     {@code null}; empty for DENY
 * @param reason for DENY (and, when the rule gives one, ESCALATE) the text shown to the requester; otherwise
 *     empty; never {@code null}. It never says anything about the patient
 * @param reviewerRole for ESCALATE the reviewer role; otherwise empty; never {@code null}
 * @param code for DENY and ESCALATE the stable code to show with the reason; {@code null} for PERMIT and REDACT
 * @param trace every rule evaluated, in file order, with its result; never {@code null}
 * @param approvals for ESCALATE, how many different reviewers must approve: the largest {@code approvals} of the
 *     matching escalate rules (1 or 2); 1 for every other outcome
 */
public record Decision(
        Outcome outcome,
        String ruleId,
        String policyVersion,
        Stage stage,
        Redaction redaction,
        Set<SecurityLabel> released,
        Set<SecurityLabel> obligations,
        String reason,
        String reviewerRole,
        PolicyError code,
        List<RuleEvaluation> trace,
        int approvals) {

    /** A decision needing (when it escalates) one approval. */
    public Decision(Outcome outcome, String ruleId, String policyVersion, Stage stage, Redaction redaction,
            Set<SecurityLabel> released, Set<SecurityLabel> obligations, String reason, String reviewerRole,
            PolicyError code, List<RuleEvaluation> trace) {
        this(outcome, ruleId, policyVersion, stage, redaction, released, obligations, reason, reviewerRole, code,
                trace, 1);
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(redaction, "redaction");
        released = Set.copyOf(Objects.requireNonNull(released, "released"));
        obligations = Set.copyOf(Objects.requireNonNull(obligations, "obligations"));
        reason = reason == null ? "" : reason;
        reviewerRole = reviewerRole == null ? "" : reviewerRole;
        trace = List.copyOf(Objects.requireNonNull(trace, "trace"));
        if (approvals < 1 || approvals > Rule.MAX_APPROVALS || (approvals != 1 && outcome != Outcome.ESCALATE)) {
            throw new IllegalArgumentException("approvals must be 1, or up to " + Rule.MAX_APPROVALS
                    + " for an escalation; got " + approvals + " for " + outcome);
        }
    }

    /** Whether data may be released now (PERMIT or REDACT). */
    public boolean releases() {
        return outcome == Outcome.PERMIT || outcome == Outcome.REDACT;
    }

    /** The labels withheld, as {@link #redaction()}{@code .withheld()}. */
    public Set<SecurityLabel> withheld() {
        return redaction.withheld();
    }

    /** The ids of the rules that matched, in file order. */
    public List<String> matchedRuleIds() {
        return trace.stream().filter(RuleEvaluation::matched).map(RuleEvaluation::ruleId).toList();
    }
}

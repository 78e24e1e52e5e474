package org.disclosureguard.review;

import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.Stage;

/**
 * The escalating decision a case was opened from, as it was when the request was held. An immutable value.
 *
 * @param ruleId the rule that escalated, never blank
 * @param policyVersion the policy version that escalated ({@code sha256:...}), never blank
 * @param stage whether the request or one of its resources was escalated, never {@code null}
 * @param reviewerRole the role the case is referred to ({@code caldicott-guardian}), never blank
 * @param proposedWithheld the labels the policy proposes to withhold (the minimum necessary), never {@code null}
 * @param obligations the handling labels the policy puts on a release ({@code NORDSCLCD}), never {@code null}
 * @param reason the rule's reason, as shown to the requester, never {@code null}
 * @param auditRequestId the audit request id of the request that was held, never blank
 * @param approvals how many different reviewers holding {@code reviewerRole} must approve: 1 or 2
 */
public record Escalation(
        String ruleId,
        String policyVersion,
        Stage stage,
        String reviewerRole,
        Set<SecurityLabel> proposedWithheld,
        Set<SecurityLabel> obligations,
        String reason,
        String auditRequestId,
        int approvals) {

    /** An escalation one reviewer decides. */
    public Escalation(String ruleId, String policyVersion, Stage stage, String reviewerRole,
            Set<SecurityLabel> proposedWithheld, Set<SecurityLabel> obligations, String reason,
            String auditRequestId) {
        this(ruleId, policyVersion, stage, reviewerRole, proposedWithheld, obligations, reason, auditRequestId, 1);
    }

    public Escalation {
        ruleId = required(ruleId, "ruleId");
        policyVersion = required(policyVersion, "policyVersion");
        Objects.requireNonNull(stage, "stage");
        reviewerRole = required(reviewerRole, "reviewerRole");
        proposedWithheld = Set.copyOf(Objects.requireNonNull(proposedWithheld, "proposedWithheld"));
        obligations = Set.copyOf(Objects.requireNonNull(obligations, "obligations"));
        reason = reason == null ? "" : reason;
        auditRequestId = required(auditRequestId, "auditRequestId");
        if (approvals < 1 || approvals > 2) {
            throw new IllegalArgumentException("an escalation needs 1 or 2 approvals, got " + approvals);
        }
    }

    /** Whether a second, different reviewer must approve after the first. */
    public boolean needsSecondApproval() {
        return approvals > 1;
    }

    /**
     * The escalation of an ESCALATE decision.
     *
     * @throws ReviewException {@link ReviewError#INVALID_CASE} when the decision is not an escalation to a role
     */
    public static Escalation of(Decision decision, String auditRequestId) {
        Objects.requireNonNull(decision, "decision");
        if (decision.outcome() != Outcome.ESCALATE || decision.reviewerRole().isBlank()) {
            throw new ReviewException(ReviewError.INVALID_CASE, "only an ESCALATE decision naming a reviewer role"
                    + " can be held for review; got " + decision.outcome() + " by " + decision.ruleId());
        }
        if (auditRequestId == null || auditRequestId.isBlank()) {
            throw new ReviewException(ReviewError.INVALID_CASE, "a held request needs its audit request id");
        }
        return new Escalation(decision.ruleId(), decision.policyVersion(), decision.stage(),
                decision.reviewerRole(), decision.withheld(), decision.obligations(), decision.reason(),
                auditRequestId, decision.approvals());
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}

package org.disclosureguard.review;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.ResourceFacts;
import org.disclosureguard.redaction.Redaction;

/**
 * What may leave when an approved case is collected: the approval combined with the policy in force <em>now</em>.
 *
 * <h2>The combination: never less restrictive than the approval</h2>
 *
 * <p>The stored request context is decided again by the current policy ({@link #redecide(ReviewCase,
 * PolicyEngine)} at the request stage, {@link #redecide(ReviewCase, PolicyEngine, ResourceFacts)} for each
 * resource fetched for the release), and:
 * <ol>
 *   <li>current DENY: {@link Refuse} with the policy's code and reason (a newer policy refuses what the reviewer
 *       approved);</li>
 *   <li>current ESCALATE to a <em>different</em> reviewer role: {@link Refuse} with {@link ReviewError#REVIEW_AGAIN}
 *       (the approval was given by someone the policy no longer names);</li>
 *   <li>otherwise (PERMIT, REDACT, or ESCALATE to the role that approved): {@link Disclose}, withholding the union of
 *       the approved labels and the labels the current decision withholds (or proposes), with the union of the
 *       case's and the current obligations, and suppressing search totals if the current decision does.</li>
 * </ol>
 * So a release withholds at least what the reviewer withheld, which is at least what the policy proposed; and a
 * newer policy can narrow a release or stop it, never widen it.
 *
 * <p>Immutable values; the static methods are pure and thread-safe.
 */
public sealed interface Release {

    /** The current decision the approval was combined with. */
    Decision current();

    /**
     * Release, withholding {@link #redaction()} and adding {@link #obligations()}.
     *
     * @param redaction what to withhold: a superset of the approved labels, never {@code null}
     * @param obligations the handling labels to add, never {@code null}
     * @param current the current decision
     */
    record Disclose(Redaction redaction, Set<SecurityLabel> obligations, Decision current) implements Release {
        public Disclose {
            Objects.requireNonNull(redaction, "redaction");
            obligations = Set.copyOf(obligations);
            Objects.requireNonNull(current, "current");
        }

        /** The labels withheld. */
        public Set<SecurityLabel> withheld() {
            return redaction.withheld();
        }
    }

    /**
     * Release nothing; the requester gets 403 with {@link #code()} and {@link #reason()}.
     *
     * @param code the stable code ({@code DG-2101}, {@code DG-5103}, ...), never blank
     * @param reason the text shown to the requester, never {@code null}
     * @param current the current decision
     */
    record Refuse(String code, String reason, Decision current) implements Release {
        public Refuse {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(current, "current");
        }
    }

    /** Re-decides the case's request with the current policy and combines it with the approval. */
    static Release redecide(ReviewCase approved, PolicyEngine current) {
        requireApproved(approved);
        return combine(approved, current.decideRequest(approved.context()));
    }

    /** Re-decides one resource fetched for the release with the current policy and combines it with the approval. */
    static Release redecide(ReviewCase approved, PolicyEngine current, ResourceFacts facts) {
        requireApproved(approved);
        return combine(approved, current.decideResource(approved.context(), facts));
    }

    /**
     * Combines an approved case with a current decision (see the type's documentation).
     *
     * @throws ReviewException {@link ReviewError#NOT_APPROVED} when the case is not APPROVED
     */
    static Release combine(ReviewCase approved, Decision current) {
        requireApproved(approved);
        Objects.requireNonNull(current, "current");
        if (current.outcome() == Outcome.DENY) {
            return new Refuse(current.code() == null ? "" : current.code().code(), current.reason(), current);
        }
        if (current.outcome() == Outcome.ESCALATE && !current.reviewerRole().equals(approved.reviewerRole())) {
            return new Refuse(ReviewError.REVIEW_AGAIN.code(), "The practice's disclosure policy has changed since"
                    + " this request was reviewed and now refers it to another reviewer at the practice. Nothing"
                    + " has been released; send the request again.", current);
        }
        if (current.outcome() == Outcome.ESCALATE && current.approvals() > approved.escalation().approvals()) {
            return new Refuse(ReviewError.REVIEW_AGAIN.code(), "The practice's disclosure policy has changed since"
                    + " this request was reviewed and now needs more reviewers to approve it. Nothing has been"
                    + " released; send the request again.", current);
        }
        Set<SecurityLabel> withheld = new LinkedHashSet<>(approved.approvedWithheld());
        withheld.addAll(current.withheld());
        Set<SecurityLabel> obligations = new LinkedHashSet<>(approved.escalation().obligations());
        obligations.addAll(current.obligations());
        Redaction redaction = new Redaction(withheld, current.redaction().suppressTotals());
        return new Disclose(redaction, obligations, current);
    }

    private static void requireApproved(ReviewCase approved) {
        Objects.requireNonNull(approved, "approved");
        if (approved.state() != CaseState.APPROVED) {
            throw new ReviewException(ReviewError.NOT_APPROVED, "case " + approved.id() + " is " + approved.state()
                    + "; only an approved case can be released");
        }
    }
}

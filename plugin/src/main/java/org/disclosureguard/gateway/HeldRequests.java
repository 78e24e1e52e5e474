package org.disclosureguard.gateway;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.disclosureguard.audit.TransactionalWrite;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.redaction.Redaction;

/**
 * Where the gateway holds requests the policy escalates, until a reviewer at the practice decides
 * ({@code docs/escalation.md}). Every change is a write that runs in the transaction of the request's audit
 * entry, so a case exists exactly when its audit entry does. Implementations must be thread-safe.
 */
public interface HeldRequests {

    /**
     * A case reserved for an escalated request.
     *
     * @param caseId the case's unguessable id, named in the audit entry and in the answer
     * @param open opens the case, in the audit entry's transaction
     */
    record Hold(String caseId, TransactionalWrite open) {}

    /**
     * Reserves a case for an escalated request.
     *
     * @param resourceId the id of the resource read, or {@code null} for a search
     * @param patientId the patient the request is about, when known, or {@code null}
     */
    Hold hold(RequestContext context, Decision decision, String resourceId, String patientId, String auditRequestId);

    /** Where a held request stands, for the requester who asked. */
    sealed interface State {
        /**
         * Nobody has decided yet.
         *
         * @param question the reviewer's question waiting for the requester's answer, or empty
         */
        record Waiting(Duration waited, String question) implements State {
            public Waiting {
                question = question == null ? "" : question;
            }

            /** Waiting, with no question for the requester. */
            public Waiting(Duration waited) {
                this(waited, "");
            }
        }

        /** Refused by the reviewer, expired, or no longer releasable: nothing will be released. */
        record Closed(String code, String reason) implements State {}

        /** Released already; it is not released twice. */
        record AlreadyReleased() implements State {}

        /**
         * Approved: release the held request now, no wider than this.
         *
         * @param context the held request as the policy saw it
         * @param resourceId the resource id of a read, or empty
         * @param redaction what to withhold: the approval joined with what the policy in force withholds
         * @param obligations the handling labels to add to released data
         * @param reviewer who approved
         * @param current the decision of the policy in force on the held request, re-taken now
         */
        record Approved(RequestContext context, String resourceId, Redaction redaction,
                Set<SecurityLabel> obligations, String reviewer, Decision current) implements State {}
    }

    /**
     * The state of a case for the requester who asked; empty for an unknown case or another requester's case
     * (alike, so that case ids cannot be probed).
     */
    Optional<State> state(String caseId, String requesterId);

    /**
     * Withdraws a waiting or approved case at its requester's request, in the audit transaction of the request that
     * withdraws it.
     */
    TransactionalWrite withdraw(String caseId, String requesterId);

    /**
     * Records the requester's answer to the reviewer's question, in the audit transaction of the request that
     * answers; the write fails (rolling the transaction back) when no question is waiting.
     */
    TransactionalWrite answer(String caseId, String requesterId, String answer);

    /** Marks an approved case released by the request with this audit id, in that request's audit transaction. */
    TransactionalWrite released(String caseId, String auditRequestId);
}

package org.disclosureguard.review;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.RequestContext;

/**
 * One held request and what has been decided about it, as stored by {@link ReviewCases}. An immutable snapshot:
 * a transition returns a new one.
 *
 * @param id the case id: random, unguessable and URL-safe (base64url, 24 characters), never blank
 * @param state where the case is, never {@code null}
 * @param rowVersion incremented by every transition (optimistic concurrency)
 * @param created when the request was held, never {@code null}
 * @param expires when the case expires if nobody has decided it, never {@code null}
 * @param context the request as the policy saw it: requester, bound claims, interaction, resource type and the
 *     forwarded parameters; never {@code null}. Re-deciding the case runs the policy on exactly this
 * @param request the resource id and the patient, never {@code null}
 * @param escalation the escalating decision, never {@code null}
 * @param reviewerId who decided (approved or refused), or empty while pending or expired
 * @param decided when the reviewer decided, or {@code null}
 * @param approvedWithheld for an approved (or released) case, the labels the reviewer withholds: a superset of
 *     {@link Escalation#proposedWithheld()}; otherwise empty. Never {@code null}
 * @param reviewNote the reviewer's note with an approval, or empty
 * @param refusalReason the reviewer's reason for a refusal (shown to the requester), or empty
 * @param releaseRequestId the audit request id of the release, or empty
 * @param released when the approved answer was released, or {@code null}
 * @param firstApproval for a case needing two approvals, the first one once given, or {@code null}; the second
 *     approval is {@code reviewerId}, {@code decided}, {@code approvedWithheld} and {@code reviewNote}
 * @param question the reviewer's latest question to the requester and its answer, or {@code null} if none was asked
 */
public record ReviewCase(
        String id,
        CaseState state,
        long rowVersion,
        Instant created,
        Instant expires,
        RequestContext context,
        RequestShape request,
        Escalation escalation,
        String reviewerId,
        Instant decided,
        Set<SecurityLabel> approvedWithheld,
        String reviewNote,
        String refusalReason,
        String releaseRequestId,
        Instant released,
        FirstApproval firstApproval,
        Question question) {

    /**
     * The first of two approvals. An immutable value.
     *
     * @param reviewerId who approved first, never blank
     * @param at when, never {@code null}
     * @param withheld what they withheld (the second approval withholds at least this), never {@code null}
     * @param note their note for the record, never {@code null}
     */
    public record FirstApproval(String reviewerId, Instant at, Set<SecurityLabel> withheld, String note) {
        public FirstApproval {
            if (reviewerId == null || reviewerId.isBlank()) {
                throw new IllegalArgumentException("a first approval needs its reviewer");
            }
            Objects.requireNonNull(at, "at");
            withheld = Set.copyOf(Objects.requireNonNull(withheld, "withheld"));
            note = note == null ? "" : note;
        }
    }

    /**
     * A question the reviewer asked the requester, and the requester's answer once given. An immutable value.
     *
     * @param askedBy the reviewer who asked, never blank
     * @param asked when, never {@code null}
     * @param text the question, shown to the requester when it polls; never blank
     * @param answer the requester's answer, or empty while unanswered; never {@code null}
     * @param answered when it answered, or {@code null}
     */
    public record Question(String askedBy, Instant asked, String text, String answer, Instant answered) {
        public Question {
            if (askedBy == null || askedBy.isBlank() || text == null || text.isBlank()) {
                throw new IllegalArgumentException("a question needs who asked and its text");
            }
            Objects.requireNonNull(asked, "asked");
            answer = answer == null ? "" : answer;
        }

        /** Whether the requester has answered. */
        public boolean isAnswered() {
            return answered != null;
        }
    }

    /** A case without a first approval or a question (as held, approved by one reviewer, or refused). */
    public ReviewCase(String id, CaseState state, long rowVersion, Instant created, Instant expires,
            RequestContext context, RequestShape request, Escalation escalation, String reviewerId, Instant decided,
            Set<SecurityLabel> approvedWithheld, String reviewNote, String refusalReason, String releaseRequestId,
            Instant released) {
        this(id, state, rowVersion, created, expires, context, request, escalation, reviewerId, decided,
                approvedWithheld, reviewNote, refusalReason, releaseRequestId, released, null, null);
    }

    public ReviewCase {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a case needs an id");
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(escalation, "escalation");
        reviewerId = reviewerId == null ? "" : reviewerId;
        approvedWithheld = Set.copyOf(approvedWithheld == null ? Set.of() : approvedWithheld);
        reviewNote = reviewNote == null ? "" : reviewNote;
        refusalReason = refusalReason == null ? "" : refusalReason;
        releaseRequestId = releaseRequestId == null ? "" : releaseRequestId;
    }

    /** The role the case is referred to. */
    public String reviewerRole() {
        return escalation.reviewerRole();
    }

    /** Whether an open case is past its expiry at {@code now} (whether or not the sweep has marked it yet). */
    public boolean expiredAt(Instant now) {
        return state == CaseState.EXPIRED || (state.isOpen() && !now.isBefore(expires));
    }

    /** The first of two approvals, once given. */
    public Optional<FirstApproval> first() {
        return Optional.ofNullable(firstApproval);
    }

    /** The reviewer's latest question to the requester, if one was asked. */
    public Optional<Question> asked() {
        return Optional.ofNullable(question);
    }

    /** How long the request has been held at {@code now} (zero if {@code now} is before it was held). */
    public Duration waited(Instant now) {
        Duration waited = Duration.between(created, now);
        return waited.isNegative() ? Duration.ZERO : waited;
    }

    /** When the reviewer decided, if they have. */
    public Optional<Instant> decidedAt() {
        return Optional.ofNullable(decided);
    }

    /** When the answer was released, if it has been. */
    public Optional<Instant> releasedAt() {
        return Optional.ofNullable(released);
    }
}

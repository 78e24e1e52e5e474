package org.disclosureguard.review;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.ResourceFacts;

/**
 * What the requester's poll of a case answers, by the case's state at the time of the poll
 * ({@code docs/escalation.md} gives the HTTP form of each):
 * <ul>
 *   <li>{@link Pending}: still waiting (202), with how long;</li>
 *   <li>{@link Refused}: the reviewer refused (403 with the reason; no patient data);</li>
 *   <li>{@link Expired}: nobody decided in time (403; no patient data);</li>
 *   <li>{@link Approved}: the caller runs the request again and releases what {@link Approved#release} allows;</li>
 *   <li>{@link Released}: the answer was already released once (410; it is not released again).</li>
 * </ul>
 * A pending case past its expiry is {@link Expired} even before the expiry sweep has marked it.
 *
 * <p>Immutable values; thread-safe.
 */
public sealed interface ReviewOutcome {

    /** The case polled. */
    ReviewCase reviewCase();

    /** The outcome of a poll of {@code reviewCase} at {@code now}. */
    static ReviewOutcome of(ReviewCase reviewCase, Instant now) {
        Objects.requireNonNull(reviewCase, "reviewCase");
        Objects.requireNonNull(now, "now");
        if (reviewCase.expiredAt(now)) {
            return new Expired(reviewCase);
        }
        return switch (reviewCase.state()) {
            case PENDING, AWAITING_SECOND_APPROVAL, INFORMATION_REQUESTED ->
                    new Pending(reviewCase, reviewCase.waited(now));
            case APPROVED -> new Approved(reviewCase);
            case REFUSED -> new Refused(reviewCase);
            case EXPIRED -> new Expired(reviewCase);
            case RELEASED -> new Released(reviewCase);
            case WITHDRAWN -> new Withdrawn(reviewCase);
        };
    }

    /**
     * Still waiting for the reviewers (or, with a {@link #question()}, for the requester's answer); {@code waited}
     * since the request was held.
     */
    record Pending(ReviewCase reviewCase, Duration waited) implements ReviewOutcome {
        public Pending {
            Objects.requireNonNull(reviewCase, "reviewCase");
            Objects.requireNonNull(waited, "waited");
        }

        /** The reviewer's question the requester has yet to answer, if the case is waiting for one. */
        public java.util.Optional<String> question() {
            return reviewCase.state() == CaseState.INFORMATION_REQUESTED
                    ? reviewCase.asked().map(ReviewCase.Question::text) : java.util.Optional.empty();
        }
    }

    /** The reviewer refused. */
    record Refused(ReviewCase reviewCase) implements ReviewOutcome {
        public Refused {
            Objects.requireNonNull(reviewCase, "reviewCase");
        }

        /** The code shown to the requester: {@link ReviewError#REFUSED_BY_REVIEWER}. */
        public ReviewError error() {
            return ReviewError.REFUSED_BY_REVIEWER;
        }

        /** The reviewer's reason, shown to the requester. */
        public String reason() {
            return reviewCase.refusalReason();
        }
    }

    /** Nobody decided before the case expired. */
    record Expired(ReviewCase reviewCase) implements ReviewOutcome {
        public Expired {
            Objects.requireNonNull(reviewCase, "reviewCase");
        }

        /** The code shown to the requester: {@link ReviewError#EXPIRED}. */
        public ReviewError error() {
            return ReviewError.EXPIRED;
        }

        /** The text shown to the requester. */
        public String reason() {
            return "Nobody at the practice decided this request before it expired at " + reviewCase.expires()
                    + ". Nothing has been released. Send the request again if it is still needed.";
        }
    }

    /** Approved: run the request again and release what {@link #release} allows. */
    record Approved(ReviewCase reviewCase) implements ReviewOutcome {
        public Approved {
            Objects.requireNonNull(reviewCase, "reviewCase");
        }

        /** The request re-decided at the request stage by the current policy, combined with the approval. */
        public Release release(PolicyEngine current) {
            return Release.redecide(reviewCase, current);
        }

        /** One resource fetched for the release, decided by the current policy, combined with the approval. */
        public Release release(PolicyEngine current, ResourceFacts facts) {
            return Release.redecide(reviewCase, current, facts);
        }
    }

    /** The approved answer has already been released. */
    /** Withdrawn by the requester: nothing was or will be released. */
    record Withdrawn(ReviewCase reviewCase) implements ReviewOutcome {
        public Withdrawn {
            Objects.requireNonNull(reviewCase, "reviewCase");
        }
    }

    record Released(ReviewCase reviewCase) implements ReviewOutcome {
        public Released {
            Objects.requireNonNull(reviewCase, "reviewCase");
        }

        /** The code shown to the requester: {@link ReviewError#ALREADY_RELEASED}. */
        public ReviewError error() {
            return ReviewError.ALREADY_RELEASED;
        }
    }
}

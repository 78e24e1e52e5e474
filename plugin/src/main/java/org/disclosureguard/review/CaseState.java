package org.disclosureguard.review;

/**
 * Where a review case is in its lifecycle. The transitions (each made once, by a conditional update in
 * {@link ReviewCases}):
 *
 * <pre>
 * PENDING --approve (one approval needed)--&gt; APPROVED --markReleased--&gt; RELEASED
 * PENDING --approve (two needed: the first)--&gt; AWAITING_SECOND_APPROVAL
 * AWAITING_SECOND_APPROVAL --approve (another reviewer, no wider)--&gt; APPROVED
 * PENDING or AWAITING_SECOND_APPROVAL --ask--&gt; INFORMATION_REQUESTED
 * INFORMATION_REQUESTED --answer (by the requester)--&gt; PENDING, or AWAITING_SECOND_APPROVAL after a first approval
 * any open state --refuse--&gt; REFUSED
 * any open state --expire--&gt; EXPIRED
 * any open state or APPROVED --withdraw (by the requester)--&gt; WITHDRAWN
 * </pre>
 *
 * <p>The open states ({@link #isOpen()}) are PENDING, AWAITING_SECOND_APPROVAL and INFORMATION_REQUESTED: nothing has
 * been decided, the case is in the reviewers' list and it expires at its expiry. REFUSED, EXPIRED, RELEASED and
 * WITHDRAWN are final. An APPROVED case stays APPROVED while the policy in force refuses its release (see
 * {@link Release}).
 */
public enum CaseState {
    /** Held; waiting for the reviewer. Nothing has been released. */
    PENDING,
    /** One reviewer approved a case that needs two; waiting for a second, different reviewer. Nothing released. */
    AWAITING_SECOND_APPROVAL,
    /** The reviewer asked the requester a question; waiting for its answer. Nothing has been released. */
    INFORMATION_REQUESTED,
    /** The reviewer approved a release (possibly narrowed); the requester may collect it. */
    APPROVED,
    /** The reviewer refused; nothing is released. */
    REFUSED,
    /** Nobody decided before the case's expiry; nothing is released. */
    EXPIRED,
    /** The approved answer was released to the requester. */
    RELEASED,
    /** The requester withdrew the request before anything was released; nothing will be. */
    WITHDRAWN;

    /** Whether no further transition is possible. */
    public boolean isFinal() {
        return this == REFUSED || this == EXPIRED || this == RELEASED || this == WITHDRAWN;
    }

    /** Whether the case is still to be decided (it can be approved, refused, asked about or expire). */
    public boolean isOpen() {
        return this == PENDING || this == AWAITING_SECOND_APPROVAL || this == INFORMATION_REQUESTED;
    }

    /** The open states as an SQL list, {@code ('PENDING', ...)}. */
    static String openSql() {
        return "('PENDING', 'AWAITING_SECOND_APPROVAL', 'INFORMATION_REQUESTED')";
    }
}

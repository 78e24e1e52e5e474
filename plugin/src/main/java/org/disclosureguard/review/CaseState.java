package org.disclosureguard.review;

/**
 * Where a review case is in its lifecycle. The transitions (each made once, by a conditional update in
 * {@link ReviewCases}):
 *
 * <pre>
 * PENDING --approve--&gt; APPROVED --markReleased--&gt; RELEASED
 * PENDING --refuse---&gt; REFUSED
 * PENDING --expire---&gt; EXPIRED
 * PENDING or APPROVED --withdraw (by the requester)--&gt; WITHDRAWN
 * </pre>
 *
 * <p>REFUSED, EXPIRED, RELEASED and WITHDRAWN are final. An APPROVED case stays APPROVED while the policy in force refuses its
 * release (see {@link Release}).
 */
public enum CaseState {
    /** Held; waiting for the reviewer. Nothing has been released. */
    PENDING,
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
}

package org.disclosureguard.policy;

import java.util.Objects;

/**
 * How much one outside requester may ask ({@code limits:} in the policy file, {@code docs/limits.md}): requests per
 * minute, and distinct patients whose data it may receive per day. A limit applies to one requester (by id), to a
 * requester class, or, with class {@code '*'}, to every outside requester; the most specific one applies. The
 * practice's own (internal) requesters have no limit. Immutable.
 *
 * @param requesterId the requester it is for, or empty
 * @param requesterClass the class it is for ({@code *} for every class), or empty when it is for a requester
 * @param requestsPerMinute the most requests in one clock minute; 0 for no limit
 * @param patientsPerDay the most distinct patients released to the requester in one day (UTC); 0 for no limit
 */
public record Limit(String requesterId, String requesterClass, int requestsPerMinute, int patientsPerDay) {

    /** Every outside requester's class. */
    public static final String ANY_CLASS = "*";

    /** No limit. */
    public static final Limit NONE = new Limit("", ANY_CLASS, 0, 0);

    public Limit {
        requesterId = Objects.requireNonNullElse(requesterId, "");
        requesterClass = Objects.requireNonNullElse(requesterClass, "");
        if (requestsPerMinute < 0 || patientsPerDay < 0) {
            throw new IllegalArgumentException("limits are zero (none) or positive");
        }
    }

    /** How specific the limit is: 2 for a requester, 1 for a class, 0 for every class. */
    int specificity() {
        return !requesterId.isEmpty() ? 2 : ANY_CLASS.equals(requesterClass) ? 0 : 1;
    }

    /** Whether the limit applies to this requester. */
    boolean appliesTo(Requester requester) {
        if (!requesterId.isEmpty()) {
            return requesterId.equals(requester.id());
        }
        return ANY_CLASS.equals(requesterClass) || requesterClass.equals(requester.requesterClass());
    }
}

package org.disclosureguard.policy;

import java.util.Locale;

/**
 * What a decision does, declared from the least to the most restrictive: PERMIT &lt; REDACT &lt; ESCALATE &lt;
 * DENY. The combining algorithm ({@link PolicyEngine}) picks the most restrictive outcome among the matching rules.
 */
public enum Outcome {
    /** Release, with the labels in place. */
    PERMIT,
    /** Release with the elements carrying the withheld labels removed. */
    REDACT,
    /** Release nothing until a reviewer (a named role, such as the Caldicott Guardian) has decided. */
    ESCALATE,
    /** Release nothing; the requester is told why. */
    DENY;

    /** Whether this outcome is more restrictive than {@code other}. */
    public boolean isMoreRestrictiveThan(Outcome other) {
        return compareTo(other) > 0;
    }

    /** The word used in policy files ({@code then: permit}). */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package org.disclosureguard.policy;

/** When a rule is evaluated. */
public enum Stage {
    /**
     * Before any upstream call, from the request context alone. A request-stage rule is evaluated again as part
     * of every resource decision of the same request.
     */
    REQUEST,
    /** For each resource about to be released, with its facts (labels, confidentiality). */
    RESOURCE;

    /** The word used in policy files. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package org.disclosureguard.tracing;

/** The patterns of requests that look like tracing. The codes are stored with each alert and never change. */
public enum TracingPattern {
    /** Searches by one requester refused (by the policy or before a decision) within the window. */
    REFUSED_SEARCHES("refused-searches", "refused searches"),
    /** Distinct patients one requester asked about within the window. */
    DISTINCT_PATIENTS("distinct-patients", "distinct patients asked about"),
    /** Distinct outside requesters that asked about one patient within the window. */
    SAME_PATIENT("same-patient", "requesters asking about one patient"),
    /** Requests by one requester outside its usual hours within the window. */
    OUTSIDE_HOURS("outside-hours", "requests outside the requester's usual hours");

    private final String code;
    private final String words;

    TracingPattern(String code, String words) {
        this.code = code;
        this.words = words;
    }

    /** The stable code, such as {@code refused-searches}. */
    public String code() {
        return code;
    }

    /** What is counted, in plain words. */
    public String words() {
        return words;
    }

    /** The pattern with the given code. */
    public static TracingPattern fromCode(String code) {
        for (TracingPattern pattern : values()) {
            if (pattern.code.equals(code)) {
                return pattern;
            }
        }
        throw new IllegalArgumentException("Unknown tracing pattern: " + code);
    }
}

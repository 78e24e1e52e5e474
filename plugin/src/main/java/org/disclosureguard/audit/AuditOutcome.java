package org.disclosureguard.audit;

/** The result of one audited request. The codes are part of the audit format and never change. */
public enum AuditOutcome {
    /** Released as the policy permitted (labels and obligations added). */
    PERMIT("permit"),
    /** Released with elements withheld. */
    REDACT("redact"),
    /** Refused by a policy rule (or the default deny). */
    DENY("deny"),
    /** Held for review; nothing released. */
    ESCALATE("escalate"),
    /** Refused before any policy decision: credentials missing or invalid, request not offered or malformed. */
    REFUSED("refused"),
    /** Failed (upstream fault, internal error); nothing released. */
    FAILED("failed");

    private final String code;

    AuditOutcome(String code) {
        this.code = code;
    }

    /** The code written in the audit record. */
    public String code() {
        return code;
    }

    /** Whether data is released with this outcome. */
    public boolean released() {
        return this == PERMIT || this == REDACT;
    }

    /** The outcome with the given code. */
    public static AuditOutcome fromCode(String code) {
        for (AuditOutcome outcome : values()) {
            if (outcome.code.equals(code)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("Unknown audit outcome: " + code);
    }
}

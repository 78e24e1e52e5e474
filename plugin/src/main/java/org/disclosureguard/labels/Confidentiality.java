package org.disclosureguard.labels;

/**
 * HL7 v3 confidentiality levels, ordered from least to most restrictive (U &lt; L &lt; M &lt; N &lt; R &lt; V).
 * The record-level label of a resource is the highest level that applies to it (its high-water mark).
 */
public enum Confidentiality {
    U("unrestricted"),
    L("low"),
    M("moderate"),
    N("normal"),
    R("restricted"),
    V("very restricted");

    private final String display;

    Confidentiality(String display) {
        this.display = display;
    }

    public String code() {
        return name();
    }

    public String display() {
        return display;
    }

    /**
     * Reads a v3-Confidentiality code. An unknown code fails closed: it is read as {@link #V}, so data whose
     * marking the guard does not understand is treated as very restricted.
     */
    public static Confidentiality fromCodeFailClosed(String code) {
        if (code != null) {
            for (Confidentiality c : values()) {
                if (c.name().equals(code)) {
                    return c;
                }
            }
        }
        return V;
    }

    /** Reads a v3-Confidentiality code, or returns {@code null} if it is not one. */
    public static Confidentiality fromCodeOrNull(String code) {
        for (Confidentiality c : values()) {
            if (c.name().equals(code)) {
                return c;
            }
        }
        return null;
    }

    public Confidentiality max(Confidentiality other) {
        return other == null || compareTo(other) >= 0 ? this : other;
    }
}

package org.disclosureguard.labels;

import java.util.Map;
import java.util.Objects;

/**
 * One security label: a coding from a security-label code system. Immutable.
 *
 * @param system the code system URL, never blank
 * @param code the code, never blank
 */
public record SecurityLabel(String system, String code) {

    private static final Map<String, SecurityLabel> ALIASES = Map.ofEntries(
            act("DEMO"), act("DOB"), act("GENDER"), act("MARST"), act("RACE"), act("REL"), act("LOCIS"),
            act("IDS"), act("ETH"), act("HIV"), act("PSY"), act("SDV"), act("SEX"), act("STD"),
            local("NATIONALITY"), local("LANGUAGE"));

    public SecurityLabel {
        if (system == null || system.isBlank() || code == null || code.isBlank()) {
            throw new IllegalArgumentException("a security label needs a system and a code");
        }
    }

    /**
     * Resolves a label written in configuration: either a short alias ({@code DEMO}, {@code LOCIS},
     * {@code NATIONALITY}, ...) or the explicit form {@code system#code}.
     *
     * @return the label, or {@code null} if the alias is unknown
     */
    public static SecurityLabel parse(String token) {
        Objects.requireNonNull(token, "token");
        int hash = token.indexOf('#');
        if (hash > 0 && hash < token.length() - 1) {
            return new SecurityLabel(token.substring(0, hash), token.substring(hash + 1));
        }
        return ALIASES.get(token);
    }

    /** The short aliases accepted by {@link #parse(String)}. */
    public static java.util.Set<String> aliases() {
        return ALIASES.keySet();
    }

    public static SecurityLabel confidentiality(Confidentiality level) {
        return new SecurityLabel(Vocabulary.CONFIDENTIALITY, level.code());
    }

    private static Map.Entry<String, SecurityLabel> act(String code) {
        return Map.entry(code, new SecurityLabel(Vocabulary.ACT_CODE, code));
    }

    private static Map.Entry<String, SecurityLabel> local(String code) {
        return Map.entry(code, new SecurityLabel(Vocabulary.DG_SENSITIVITY, code));
    }

    @Override
    public String toString() {
        return system + "#" + code;
    }
}

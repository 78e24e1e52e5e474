package org.disclosureguard.policy;

import java.util.Objects;

/**
 * Who is asking: a registered requester that the gateway has already authenticated. An immutable value.
 *
 * @param id the requester's registered id, never blank
 * @param organisation the organisation's name (or ODS code), never {@code null}; empty when not known
 * @param requesterClass the requester class code (for example {@code nhs-provider}, {@code police}), never blank;
 *     a class the policy does not declare is refused by the built-in rule {@value PolicyEngine#UNDECLARED_CODE}
 * @param internal whether the requester is the practice itself (its own staff and systems)
 */
public record Requester(String id, String organisation, String requesterClass, boolean internal) {

    public Requester {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a requester needs an id");
        }
        if (requesterClass == null || requesterClass.isBlank()) {
            throw new IllegalArgumentException("a requester needs a class");
        }
        organisation = Objects.requireNonNullElse(organisation, "").strip();
        id = id.strip();
        requesterClass = requesterClass.strip();
    }

    /** An external requester of the given class. */
    public static Requester external(String id, String organisation, String requesterClass) {
        return new Requester(id, organisation, requesterClass, false);
    }
}

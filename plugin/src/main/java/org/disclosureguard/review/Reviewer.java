package org.disclosureguard.review;

import java.util.Set;

/**
 * The member of practice staff who decides a case, as the staff login identified them. An immutable value.
 *
 * @param id who they are (a staff login or smartcard id), recorded with the decision; never blank
 * @param roles the reviewer roles they hold ({@code caldicott-guardian}, {@code safeguarding-lead}), never
 *     {@code null} (copied)
 */
public record Reviewer(String id, Set<String> roles) {

    public Reviewer {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a reviewer needs an id");
        }
        id = id.strip();
        roles = Set.copyOf(roles);
    }

    /** A reviewer holding one role. */
    public static Reviewer of(String id, String role) {
        return new Reviewer(id, Set.of(role));
    }

    /** Whether they may decide cases referred to this role. */
    public boolean holds(String role) {
        return roles.contains(role);
    }
}

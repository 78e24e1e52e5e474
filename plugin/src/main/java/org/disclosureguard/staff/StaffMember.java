package org.disclosureguard.staff;

import java.util.Objects;
import java.util.Set;

/**
 * A member of the practice's staff who may sign in to decide held requests. Immutable.
 *
 * @param id the sign-in id, recorded as the reviewer in audit entries and review cases
 * @param name the name shown on the pages
 * @param roles the reviewer roles held ({@code caldicott-guardian}, {@code safeguarding-lead})
 */
public record StaffMember(String id, String name, Set<String> roles) {

    public StaffMember {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
    }
}

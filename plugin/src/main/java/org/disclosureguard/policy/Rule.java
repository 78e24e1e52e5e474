package org.disclosureguard.policy;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;

/**
 * One rule of a compiled policy, as written in the file. An immutable value; the compiled condition is kept by the
 * {@link PolicyEngine}.
 *
 * @param id the rule's id, unique in its policy, never blank
 * @param description the author's description, never {@code null} (may be empty)
 * @param stage when the rule is evaluated, never {@code null}
 * @param when the CEL condition as written, never blank
 * @param then the outcome when the condition holds, never {@code null}
 * @param withhold for REDACT (required) and ESCALATE (optional), the labels whose elements are withheld, in file
 *     order; otherwise empty; never {@code null}
 * @param obligations handling labels to add to released data, in file order; never {@code null}
 * @param reason for DENY (required) and ESCALATE (optional), the text shown to the requester; otherwise empty
 * @param reviewer for ESCALATE, the reviewer role; otherwise empty
 * @param line the line of the rule in its file (0 when not known)
 */
public record Rule(String id, String description, Stage stage, String when, Outcome then,
        Set<SecurityLabel> withhold, Set<SecurityLabel> obligations, String reason, String reviewer, int line) {

    public Rule {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a rule needs an id");
        }
        description = description == null ? "" : description;
        Objects.requireNonNull(stage, "stage");
        if (when == null || when.isBlank()) {
            throw new IllegalArgumentException("a rule needs a condition");
        }
        Objects.requireNonNull(then, "then");
        withhold = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(withhold, "withhold")));
        obligations = Collections.unmodifiableSet(
                new LinkedHashSet<>(Objects.requireNonNull(obligations, "obligations")));
        reason = reason == null ? "" : reason;
        reviewer = reviewer == null ? "" : reviewer;
    }
}

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
 * @param approvals for ESCALATE, how many different reviewers holding the role must approve before anything is
 *     released: 1 (the default) or 2 ({@code approvals: 2} in the file); 1 for every other outcome
 */
public record Rule(String id, String description, Stage stage, String when, Outcome then,
        Set<SecurityLabel> withhold, Set<SecurityLabel> obligations, String reason, String reviewer, int line,
        int approvals) {

    /** The most approvals a rule may require. */
    public static final int MAX_APPROVALS = 2;

    /** A rule needing one approval when it escalates. */
    public Rule(String id, String description, Stage stage, String when, Outcome then,
            Set<SecurityLabel> withhold, Set<SecurityLabel> obligations, String reason, String reviewer, int line) {
        this(id, description, stage, when, then, withhold, obligations, reason, reviewer, line, 1);
    }

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
        if (approvals < 1 || approvals > MAX_APPROVALS) {
            throw new IllegalArgumentException("a rule needs 1 to " + MAX_APPROVALS + " approvals, got " + approvals);
        }
        if (approvals != 1 && then != Outcome.ESCALATE) {
            throw new IllegalArgumentException("only an escalate rule can require more than one approval");
        }
    }
}

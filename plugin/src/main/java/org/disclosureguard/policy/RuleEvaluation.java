package org.disclosureguard.policy;

import java.util.Objects;

/**
 * One line of a decision's trace: a rule that was evaluated and what came of it. An immutable value.
 *
 * @param ruleId the rule's id (or a built-in rule's id), never {@code null}
 * @param stage the rule's stage, never {@code null}
 * @param then the rule's outcome if it matches, never {@code null}
 * @param result what the evaluation gave, never {@code null}
 * @param detail for {@link Result#ERROR} what went wrong (for practice staff, never shown to the requester);
 *     otherwise empty; never {@code null}
 */
public record RuleEvaluation(String ruleId, Stage stage, Outcome then, Result result, String detail) {

    /** What evaluating one rule gave. */
    public enum Result {
        MATCHED,
        NOT_MATCHED,
        /** The condition could not be evaluated; the decision fails closed (DENY). */
        ERROR
    }

    public RuleEvaluation {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(then, "then");
        Objects.requireNonNull(result, "result");
        detail = detail == null ? "" : detail;
    }

    public boolean matched() {
        return result == Result.MATCHED;
    }
}

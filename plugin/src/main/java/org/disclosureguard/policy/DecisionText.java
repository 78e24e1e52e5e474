package org.disclosureguard.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.disclosureguard.labels.SecurityLabel;

/**
 * Plain-text explanations of decisions, for practice staff: the {@code policy} command prints them and an explain
 * view can show them. Stateless and thread-safe.
 */
public final class DecisionText {

    private DecisionText() {}

    /**
     * One line: outcome, deciding rule, stage and code, for example
     * {@code DENY by default-deny (request stage, DG-2102)}.
     */
    public static String summary(Decision decision) {
        return decision.outcome() + " by " + decision.ruleId() + " (" + decision.stage().word() + " stage"
                + (decision.code() == null ? "" : ", " + decision.code().code()) + ")";
    }

    /** The decision and its trace, as indented lines (without line breaks). */
    public static List<String> explain(Decision decision) {
        List<String> lines = new ArrayList<>();
        lines.add(summary(decision));
        lines.add("  policy       " + decision.policyVersion());
        if (!decision.reason().isEmpty()) {
            lines.add("  reason       " + decision.reason());
        }
        if (!decision.reviewerRole().isEmpty()) {
            lines.add("  reviewer     " + decision.reviewerRole()
                    + (decision.approvals() > 1 ? " (" + decision.approvals() + " different reviewers approve)" : ""));
        }
        if (!decision.withheld().isEmpty()) {
            lines.add("  withheld     " + labels(decision.withheld())
                    + (decision.outcome() == Outcome.ESCALATE ? " (proposed to the reviewer)" : ""));
        }
        if (!decision.released().isEmpty()) {
            lines.add("  released     " + labels(decision.released()));
        }
        if (!decision.obligations().isEmpty()) {
            lines.add("  obligations  " + labels(decision.obligations()));
        }
        lines.add("  trace:");
        int width = decision.trace().stream().mapToInt(e -> e.ruleId().length()).max().orElse(0);
        for (RuleEvaluation entry : decision.trace()) {
            String result = switch (entry.result()) {
                case MATCHED -> "MATCHED";
                case NOT_MATCHED -> "not matched";
                case ERROR -> "ERROR: " + entry.detail();
            };
            lines.add(String.format(Locale.ROOT, "    %-8s  %-" + width + "s  %-8s  %s", entry.stage().word(),
                    entry.ruleId(), entry.then().word(), result));
        }
        return lines;
    }

    /** Labels by their short names where they have one ({@code LOCIS}), otherwise {@code system#code}; sorted. */
    public static String labels(Collection<SecurityLabel> labels) {
        return labels.stream()
                .map(l -> l.equals(SecurityLabel.parse(l.code())) || isHandlingCode(l) ? l.code() : l.toString())
                .sorted()
                .toList()
                .toString();
    }

    private static boolean isHandlingCode(SecurityLabel label) {
        return label.system().equals(org.disclosureguard.labels.Vocabulary.ACT_CODE)
                && PolicyCompiler.OBLIGATION_NAMES.contains(label.code());
    }
}

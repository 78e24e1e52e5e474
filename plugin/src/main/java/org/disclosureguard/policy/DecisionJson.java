package org.disclosureguard.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import org.disclosureguard.labels.SecurityLabel;

/**
 * A decision, and a scenario's result, as JSON for practice staff: the explain endpoint's answer. The shape is
 * documented in {@code docs/policy.md} ("Explain"). Stateless and thread-safe.
 */
public final class DecisionJson {

    private DecisionJson() {}

    /** The decision: outcome, rule, policy version, stage, labels, reason, reviewer, code and the rule trace. */
    public static ObjectNode of(Decision decision) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("outcome", decision.outcome().name());
        node.put("rule", decision.ruleId());
        node.put("policyVersion", decision.policyVersion());
        node.put("stage", decision.stage().name());
        labels(node.putArray("withheld"), decision.withheld());
        labels(node.putArray("released"), decision.released());
        labels(node.putArray("obligations"), decision.obligations());
        if (!decision.reason().isEmpty()) {
            node.put("reason", decision.reason());
        }
        if (!decision.reviewerRole().isEmpty()) {
            node.put("reviewer", decision.reviewerRole());
        }
        if (decision.approvals() > 1) {
            node.put("approvals", decision.approvals());
        }
        if (decision.code() != null) {
            node.put("code", decision.code().code());
        }
        ArrayNode trace = node.putArray("trace");
        for (RuleEvaluation evaluation : decision.trace()) {
            ObjectNode line = trace.addObject();
            line.put("rule", evaluation.ruleId());
            line.put("stage", evaluation.stage().name());
            line.put("then", evaluation.then().name());
            line.put("result", evaluation.result().name());
            if (!evaluation.detail().isEmpty()) {
                line.put("detail", evaluation.detail());
            }
        }
        ArrayNode text = node.putArray("explanation");
        DecisionText.explain(decision).forEach(text::add);
        return node;
    }

    /**
     * A scenario's result: its name, the request-stage decision, the final decision (the same when the request
     * stage already refused, or no resource was given), and whether it met its expectation if it stated one.
     */
    public static ObjectNode of(ScenarioResult result) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("scenario", result.name());
        if (result.requestDecision() != null && result.requestDecision() != result.decision()) {
            node.set("requestStage", of(result.requestDecision()));
        }
        if (result.decision() != null) {
            node.set("decision", of(result.decision()));
        }
        if (result.scenario() != null && result.scenario().expect() != null) {
            node.put("asExpected", result.passed());
            ArrayNode failures = node.putArray("failures");
            result.failures().forEach(failures::add);
        }
        if (!result.error().isEmpty()) {
            node.put("error", result.error());
        }
        return node;
    }

    private static void labels(ArrayNode array, Collection<SecurityLabel> labels) {
        labels.stream().map(l -> l.system() + "|" + l.code()).sorted().forEach(array::add);
    }
}

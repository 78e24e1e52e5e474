package org.disclosureguard.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.gateway.OperationOutcomes;
import org.disclosureguard.policy.DecisionJson;
import org.disclosureguard.policy.PolicyError;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.policy.Scenario;
import org.disclosureguard.policy.ScenarioRunner;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The policy, for practice staff: which version is in force, reload it from its file, and explain how it decides
 * a scenario ({@code docs/policy.md}, "For practice staff"). Answered only to the practice itself
 * ({@link StaffAccess}).
 */
@RestController
@RequestMapping("/staff/policy")
class StaffPolicyController {

    private static final int MAX_SCENARIO_BYTES = 64 * 1024;

    private final PolicyStore policies;

    StaffPolicyController(PolicyStore policies) {
        this.policies = policies;
    }

    /** The policy in force: version, when it was loaded, and the last failed reload if any. */
    @GetMapping
    ResponseEntity<String> status(HttpServletRequest request) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("version", policies.version());
        node.put("loadedAt", policies.loadedAt().toString());
        policies.lastFailure().ifPresent(failure -> node.putObject("lastFailedReload")
                .put("at", failure.at().toString()).put("error", failure.error()));
        return StaffAccess.json(200, node);
    }

    /** Reloads the policy file; on failure the last good policy stays in force and the answer says why (422). */
    @PostMapping("/reload")
    ResponseEntity<String> reload(HttpServletRequest request) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        PolicyStore.ReloadResult result = policies.reload();
        if (!result.success()) {
            return StaffAccess.json(422, outcome(PolicyError.RELOAD_FAILED.code(), "processing", result.error()));
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("version", result.version());
        node.put("changed", result.changed());
        node.put("at", result.at().toString());
        return StaffAccess.json(200, node);
    }

    /**
     * Decides a scenario (the YAML of a scenario file, {@code docs/policy.md}) with the policy in force and answers
     * the decision with the trace of every rule evaluated.
     */
    @PostMapping(value = "/explain")
    ResponseEntity<String> explain(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        if (body == null || body.length == 0) {
            return StaffAccess.json(400, outcome(PolicyError.SCENARIO_INVALID.code(), "required",
                    "Send a scenario (the YAML of a scenario file) as the request body."));
        }
        if (body.length > MAX_SCENARIO_BYTES) {
            return StaffAccess.json(413, outcome(PolicyError.SCENARIO_INVALID.code(), "too-long",
                    "A scenario is at most " + MAX_SCENARIO_BYTES + " bytes."));
        }
        Scenario scenario;
        try {
            scenario = Scenario.parse("explain", "(request body)", new String(body, StandardCharsets.UTF_8));
        } catch (ConfigException e) {
            return StaffAccess.json(400, outcome(PolicyError.SCENARIO_INVALID.code(), "invalid", e.getMessage()));
        }
        JsonNode answer = DecisionJson.of(new ScenarioRunner(policies.current()).run(scenario, "(request body)"));
        return StaffAccess.json(200, answer);
    }

    private static ObjectNode outcome(String code, String issueType, String text) {
        return OperationOutcomes.of(code, 400, issueType, text);
    }
}

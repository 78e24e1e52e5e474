package org.disclosureguard.policy;

import java.util.List;
import java.util.Objects;

/**
 * The result of running one scenario file. An immutable value.
 *
 * @param name the scenario's name (or the file name when the file could not be read), never {@code null}
 * @param file where the scenario came from, never {@code null}
 * @param scenario the scenario, or {@code null} when the file is not a valid scenario
 * @param requestDecision the request-stage decision, or {@code null} when the file is not valid
 * @param decision the final decision: the request-stage decision when the scenario has no resource or the request
 *     was refused before the upstream call, otherwise the resource decision; {@code null} when the file is not valid
 * @param failures each way the decision differs from the expectation, never {@code null}; empty when it passed
 * @param error why the file could not be run (with its DG code), or empty; never {@code null}
 */
public record ScenarioResult(String name, String file, Scenario scenario, Decision requestDecision,
        Decision decision, List<String> failures, String error) {

    public ScenarioResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        failures = List.copyOf(Objects.requireNonNull(failures, "failures"));
        error = error == null ? "" : error;
    }

    /** Whether the scenario ran and its decision is the expected one. */
    public boolean passed() {
        return error.isEmpty() && decision != null && failures.isEmpty();
    }
}

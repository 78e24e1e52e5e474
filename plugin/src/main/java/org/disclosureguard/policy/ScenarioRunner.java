package org.disclosureguard.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.labels.SecurityLabel;

/**
 * Runs scenario files against a policy, as a real request would be decided: the request stage first; if that
 * refuses, the request never reaches the practice server and that is the final decision; otherwise, when the
 * scenario gives resource facts, the resource decision is the final one. Thread-safe (it holds only the engine).
 */
public final class ScenarioRunner {

    private final PolicyEngine engine;

    public ScenarioRunner(PolicyEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * The scenario files of a folder and its subfolders ({@code *.yaml}, {@code *.yml}), sorted by path.
     *
     * @throws ConfigException (DG-2302) if the folder is missing or holds no scenario files
     */
    public static List<Path> scenarioFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigException(folder.toString(), 0,
                    PolicyError.SCENARIO_FOLDER.format("is not a folder"));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".yaml")
                            || f.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ConfigException(folder.toString(), 0,
                    PolicyError.SCENARIO_FOLDER.format("cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
        if (files.isEmpty()) {
            throw new ConfigException(folder.toString(), 0,
                    PolicyError.SCENARIO_FOLDER.format("holds no scenario files (*.yaml)"));
        }
        return files;
    }

    /**
     * Runs every scenario file of a folder. A file that is not a valid scenario gives a failed result; it does not
     * stop the others.
     *
     * @throws ConfigException (DG-2302) if the folder is missing or holds no scenario files
     */
    public List<ScenarioResult> runFolder(Path folder) {
        List<ScenarioResult> results = new ArrayList<>();
        for (Path file : scenarioFiles(folder)) {
            results.add(runFile(file));
        }
        return results;
    }

    /** Runs one scenario file; an invalid file gives a failed result naming the problem. */
    public ScenarioResult runFile(Path file) {
        Scenario scenario;
        try {
            scenario = Scenario.load(file);
        } catch (ConfigException | IllegalArgumentException e) {
            String name = file.getFileName().toString();
            String error = e instanceof ConfigException ? e.getMessage()
                    : file + ": " + PolicyError.SCENARIO_INVALID.format(e.getMessage());
            return new ScenarioResult(name, file.toString(), null, null, null, List.of(), error);
        }
        return run(scenario, file.toString());
    }

    /** Runs one scenario. */
    public ScenarioResult run(Scenario scenario, String file) {
        Decision request = engine.decideRequest(scenario.context());
        Decision decision = scenario.resource() == null || request.outcome() == Outcome.DENY
                ? request
                : engine.decideResource(scenario.context(), scenario.resource());
        List<String> failures = new ArrayList<>();
        Scenario.Expectation expect = scenario.expect();
        if (expect == null) {
            failures.add("the scenario states no expectation (expect: outcome and rule)");
        } else {
            if (expect.outcome() != decision.outcome() || !expect.rule().equals(decision.ruleId())) {
                failures.add("expected " + expect.outcome() + " by " + expect.rule() + ", got "
                        + decision.outcome() + " by " + decision.ruleId());
            }
            if (expect.stage() != null && expect.stage() != decision.stage()) {
                failures.add("expected a decision at the " + expect.stage().word() + " stage, got the "
                        + decision.stage().word() + " stage");
            }
            compare("withheld", expect.withheld(), decision.withheld(), failures);
            compare("released", expect.released(), decision.released(), failures);
            compare("obligations", expect.obligations(), decision.obligations(), failures);
        }
        return new ScenarioResult(scenario.name(), file, scenario, request, decision, failures, "");
    }

    private static void compare(String what, Set<SecurityLabel> expected, Set<SecurityLabel> actual,
            List<String> failures) {
        if (expected != null && !expected.equals(actual)) {
            failures.add("expected " + what + " " + DecisionText.labels(expected) + ", got "
                    + DecisionText.labels(actual));
        }
    }
}

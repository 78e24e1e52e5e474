package org.disclosureguard.policy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.policy.DecisionText;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.Rule;
import org.disclosureguard.policy.Scenario;
import org.disclosureguard.policy.ScenarioResult;
import org.disclosureguard.policy.ScenarioRunner;
import org.disclosureguard.policy.Stage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code policy} command.
 *
 * <pre>
 * policy check /etc/disclosure-guard/policy.yaml
 * policy test test-fixtures/policy-scenarios [--policy /etc/disclosure-guard/policy.yaml]
 * policy explain --scenario test-fixtures/policy-scenarios/overstayer-address-trace.yaml [--policy FILE]
 * policy default &gt; my-policy.yaml
 * </pre>
 *
 * <p>Without {@code --policy} the default policy shipped with the guard is used. Exit codes: 0 success (the policy
 * is valid; every scenario passed; the decision was explained), 1 failure (an invalid policy or scenario file, a
 * scenario that did not pass), 2 bad usage. Problems are printed as one line with their DG code and line number,
 * never as a stack trace. Each command instance is used once, from one thread.
 */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        version = "policy (Disclosure Guard) policy file version 1",
        description = "Checks a disclosure policy, runs scenario files against it and explains decisions.",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Test.class, PolicyCommand.Explain.class,
                PolicyCommand.Default.class, CommandLine.HelpCommand.class})
public final class PolicyCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** Builds the command line, for callers (and tests) that want the exit code instead of an exiting JVM. */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new PolicyCommand());
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof ConfigException) {
                failed.getErr().println(exception.getMessage());
                failed.getErr().flush();
                return 1;
            }
            throw exception;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: check, test, explain or default");
    }

    private static PolicyEngine policy(Path file) {
        return file == null ? PolicyEngine.defaults() : PolicyEngine.load(file);
    }

    private static String policyName(Path file) {
        return file == null ? "the default policy" : file.toString();
    }

    /** {@code policy check FILE}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validates a policy file: every field, label, code and condition. Exit 0 if valid, 1 if not.")
    static final class Check implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the policy file")
        private Path file;

        @Override
        public Integer call() {
            PolicyEngine engine = PolicyEngine.load(file);
            PrintWriter out = spec.commandLine().getOut();
            List<Rule> rules = engine.rules();
            long request = rules.stream().filter(r -> r.stage() == Stage.REQUEST).count();
            out.println("OK " + file + ": " + rules.size() + " rules (" + request + " request-stage, "
                    + (rules.size() - request) + " resource-stage)");
            out.println("version " + engine.version());
            out.flush();
            return 0;
        }
    }

    /** {@code policy test DIR [--policy FILE]}. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Runs every scenario file (*.yaml) under DIR against the policy and prints each result with"
                    + " its rule trace. Exit 0 if all pass, 1 if any fails.")
    static final class Test implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "the folder of scenario files")
        private Path folder;

        @Option(names = "--policy", paramLabel = "FILE",
                description = "the policy file (default: the policy shipped with the guard)")
        private Path policyFile;

        @Option(names = "--failures-only", description = "print only the scenarios that fail")
        private boolean failuresOnly;

        @Override
        public Integer call() {
            PolicyEngine engine = policy(policyFile);
            List<ScenarioResult> results = new ScenarioRunner(engine).runFolder(folder);
            PrintWriter out = spec.commandLine().getOut();
            int failed = 0;
            for (ScenarioResult result : results) {
                if (!result.passed()) {
                    failed++;
                } else if (failuresOnly) {
                    continue;
                }
                print(out, result);
            }
            out.println();
            out.println(results.size() + " scenarios, " + (results.size() - failed) + " passed, " + failed
                    + " failed (" + policyName(policyFile) + ", " + engine.version() + ")");
            out.flush();
            return failed == 0 ? 0 : 1;
        }

        private static void print(PrintWriter out, ScenarioResult result) {
            if (!result.error().isEmpty()) {
                out.println("FAIL " + result.name() + ": " + result.error());
                return;
            }
            out.println((result.passed() ? "PASS " : "FAIL ") + result.name() + ": "
                    + DecisionText.summary(result.decision()));
            for (String failure : result.failures()) {
                out.println("  ! " + failure);
            }
            List<String> lines = DecisionText.explain(result.decision());
            lines.subList(1, lines.size()).forEach(out::println);
        }
    }

    /** {@code policy default}: prints the default policy, to start a practice's own from. */
    @Command(name = "default", mixinStandardHelpOptions = true,
            description = "Prints the default policy shipped with the guard, as a starting point for your own.")
    static final class Default implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.print(new String(PolicyEngine.defaultPolicyBytes(), java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            return 0;
        }
    }

    /** {@code policy explain --scenario FILE [--policy FILE]}. */
    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Decides one scenario and prints the decision and the trace of every rule evaluated.")
    static final class Explain implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = "--scenario", required = true, paramLabel = "FILE", description = "the scenario file")
        private Path scenarioFile;

        @Option(names = "--policy", paramLabel = "FILE",
                description = "the policy file (default: the policy shipped with the guard)")
        private Path policyFile;

        @Override
        public Integer call() {
            PolicyEngine engine = policy(policyFile);
            Scenario scenario = Scenario.load(scenarioFile);
            ScenarioResult result = new ScenarioRunner(engine).run(scenario, scenarioFile.toString());
            PrintWriter out = spec.commandLine().getOut();
            out.println("scenario " + scenario.name() + (scenario.description().isEmpty() ? ""
                    : ": " + scenario.description()));
            if (result.requestDecision() != result.decision()) {
                out.println("request stage: " + DecisionText.summary(result.requestDecision())
                        + "; the practice server is asked, then the resource is decided:");
            } else if (scenario.resource() != null) {
                out.println("refused before any call to the practice server:");
            }
            DecisionText.explain(result.decision()).forEach(out::println);
            if (scenario.expect() != null) {
                out.println(result.passed() ? "as expected" : "NOT as expected: " + String.join("; ",
                        result.failures()));
            }
            out.flush();
            return 0;
        }
    }
}

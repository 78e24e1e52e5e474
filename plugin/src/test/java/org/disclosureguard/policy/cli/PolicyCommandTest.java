package org.disclosureguard.policy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.disclosureguard.policy.PolicyEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code policy} command: its exit codes and what it prints. */
class PolicyCommandTest {

    private static final String POLICY = """
            version: 1
            requesterClasses: [nhs-provider, police]
            purposes: [TREAT, CRIMEPREV]
            legalBases: [SERIOUS-CRIME]
            rules:
              - id: direct-care
                stage: request
                when: requester.class == 'nhs-provider' && purpose == 'TREAT'
                then: permit
                obligations: [NORDSCLCD]
              - id: police-escalated
                stage: request
                when: requester.class == 'police'
                then: escalate
                reviewer: caldicott-guardian
              - id: restricted
                stage: resource
                when: resource.confidentiality == 'R'
                then: escalate
                reviewer: caldicott-guardian
            """;

    private static final String PROVIDER_READ = """
            requester:
              class: nhs-provider
            purpose: TREAT
            request:
              interaction: read
              resourceType: Patient
            """;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = PolicyCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void check_ofAValidPolicy_exitsZero_andPrintsTheRuleCountAndVersion(@TempDir Path dir) throws Exception {
        Path policy = write(dir, "policy.yaml", POLICY);

        int exit = run("check", policy.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("OK " + policy + ": 3 rules (2 request-stage, 1 resource-stage)")
                .contains("version " + PolicyEngine.load(policy).version());
    }

    @Test
    void check_ofAnInvalidPolicy_exitsOne_withTheLineAndCode_andNoStackTrace(@TempDir Path dir) throws Exception {
        Path policy = write(dir, "policy.yaml", POLICY.replace("withhold", "x").replace("[NORDSCLCD]", "[NOPE]"));

        int exit = run("check", policy.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo(policy + ":10: DG-2004 rule 'direct-care': unknown obligation"
                + " 'NOPE': use one of [DELAU, ENCRYPT, NOCOLLECT, NOINTEGRATE, NOPERSISTP, NORDSCLCD, NOREUSE,"
                + " PERSISTLABEL] or system#code");
        assertThat(err.toString()).doesNotContain("Exception", "\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void check_ofAMissingFile_exitsOne(@TempDir Path dir) {
        int exit = run("check", dir.resolve("missing.yaml").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("missing.yaml", "DG-2001");
    }

    @Test
    void test_withEveryScenarioPassing_exitsZero_andPrintsEachResultWithItsTrace(@TempDir Path dir)
            throws Exception {
        Path policy = write(dir, "policy.yaml", POLICY);
        Path scenarios = Files.createDirectory(dir.resolve("scenarios"));
        write(scenarios, "provider.yaml", PROVIDER_READ + "expect:\n  outcome: permit\n  rule: direct-care\n");
        write(scenarios, "restricted.yaml", PROVIDER_READ
                + "resource:\n  type: Patient\n  confidentiality: R\n"
                + "expect:\n  outcome: escalate\n  rule: restricted\n");

        int exit = run("test", scenarios.toString(), "--policy", policy.toString());

        assertThat(exit).as(out.toString() + err).isZero();
        assertThat(out.toString())
                .contains("PASS provider: PERMIT by direct-care (request stage)")
                .contains("PASS restricted: ESCALATE by restricted (resource stage, DG-2105)")
                .containsPattern("request\\s+direct-care\\s+permit\\s+MATCHED")
                .containsPattern("request\\s+police-escalated\\s+escalate\\s+not matched")
                .containsPattern("resource\\s+restricted\\s+escalate\\s+MATCHED")
                .contains("2 scenarios, 2 passed, 0 failed (" + policy + ", sha256:");
    }

    @Test
    void test_withAFailingScenario_exitsOne_andSaysWhatDiffered(@TempDir Path dir) throws Exception {
        Path policy = write(dir, "policy.yaml", POLICY);
        Path scenarios = Files.createDirectory(dir.resolve("scenarios"));
        write(scenarios, "provider.yaml", PROVIDER_READ + "expect:\n  outcome: deny\n  rule: default-deny\n");

        int exit = run("test", scenarios.toString(), "--policy", policy.toString(), "--failures-only");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL provider: PERMIT by direct-care (request stage)")
                .contains("! expected DENY by default-deny, got PERMIT by direct-care")
                .contains("1 scenarios, 0 passed, 1 failed");
    }

    @Test
    void test_withAnInvalidScenario_exitsOne_namingTheFileAndLine(@TempDir Path dir) throws Exception {
        Path policy = write(dir, "policy.yaml", POLICY);
        Path scenarios = Files.createDirectory(dir.resolve("scenarios"));
        write(scenarios, "broken.yaml", PROVIDER_READ + "expect:\n  outcome: permit\n");

        int exit = run("test", scenarios.toString(), "--policy", policy.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL broken.yaml: ").contains("broken.yaml:8: DG-2301",
                "missing required field 'rule'");
    }

    @Test
    void test_ofAnEmptyFolder_exitsOne(@TempDir Path dir) {
        int exit = run("test", dir.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("DG-2302");
    }

    @Test
    void test_withoutAPolicy_usesTheDefaultPolicy(@TempDir Path dir) throws Exception {
        write(dir, "provider.yaml", PROVIDER_READ + "expect:\n  outcome: permit\n  rule: direct-care\n");

        int exit = run("test", dir.toString());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("the default policy, " + PolicyEngine.defaults().version());
    }

    @Test
    void explain_printsTheDecisionTheReasonAndTheTrace(@TempDir Path dir) throws Exception {
        Path policy = write(dir, "policy.yaml", POLICY);
        Path scenario = write(dir, "police.yaml", """
                description: a police request
                requester:
                  class: police
                purpose: CRIMEPREV
                legalBasis: SERIOUS-CRIME
                request:
                  interaction: read
                  resourceType: Patient
                resource:
                  type: Patient
                  confidentiality: R
                """);

        int exit = run("explain", "--scenario", scenario.toString(), "--policy", policy.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("scenario police: a police request")
                .contains("request stage: ESCALATE by police-escalated (request stage, DG-2105)")
                .contains("ESCALATE by police-escalated (resource stage, DG-2105)")
                .contains("reviewer     caldicott-guardian")
                .containsPattern("resource\\s+restricted\\s+escalate\\s+MATCHED");
    }

    @Test
    void default_printsTheShippedPolicy_whichChecksAsValid(@TempDir Path dir) throws Exception {
        int exit = run("default");
        Path copy = write(dir, "my-policy.yaml", out.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("version: 1", "id: direct-care");
        assertThat(PolicyEngine.load(copy).version()).isEqualTo(PolicyEngine.defaults().version());
    }

    @Test
    void explain_withoutTheScenarioOption_isAUsageError() {
        int exit = run("explain");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--scenario");
    }

    @Test
    void noSubcommand_isAUsageError() {
        int exit = run();

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Missing subcommand");
    }
}

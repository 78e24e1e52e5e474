package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/policy.md} and {@code docs/tutorial-first-rule.md} true: every variable, rule and code is
 * documented, and the tutorial's rule, errors and scenarios behave as the tutorial shows.
 */
class PolicyDocsTest {

    private static String reference;
    private static String tutorial;
    private static final PolicyEngine DEFAULTS = PolicyEngine.defaults();

    @BeforeAll
    static void readDocs() throws Exception {
        Path docs = PolicyFixtures.repositoryRoot().resolve("docs");
        reference = Files.readString(docs.resolve("policy.md"));
        tutorial = Files.readString(docs.resolve("tutorial-first-rule.md"));
    }

    /** The first fenced YAML block after {@code marker} in the tutorial. */
    private static String yamlBlockAfter(String marker) {
        int at = tutorial.indexOf(marker);
        assertThat(at).as("the tutorial has '%s'", marker).isNotNegative();
        Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(tutorial);
        assertThat(block.find(at)).isTrue();
        return block.group(1);
    }

    private static String defaultPolicyText() {
        return new String(PolicyEngine.defaultPolicyBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void reference_documentsEveryVariable() {
        for (String variable : PolicyVariables.RESOURCE_VARIABLES.keySet()) {
            assertThat(reference).contains("| `" + variable + "` |");
        }
    }

    @Test
    void reference_documentsEveryErrorCode() {
        for (PolicyError error : PolicyError.values()) {
            assertThat(reference).contains("| " + error.code() + " |");
        }
    }

    @Test
    void reference_explainsEveryRuleOfTheDefaultPolicy_andTheBuiltInRules() {
        for (Rule rule : DEFAULTS.rules()) {
            assertThat(reference).contains("| `" + rule.id() + "` | " + rule.stage().word() + " |");
        }
        for (String builtIn : PolicyEngine.BUILT_IN_RULES) {
            assertThat(reference).contains("| `" + builtIn + "` | deny |");
        }
    }

    @Test
    void tutorial_errorsAreTheOnesTheCheckPrints() {
        String withMistakes = defaultPolicyText() + "\n" + yamlBlockAfter("## 4. Write the rule");
        String withOneMistake = withMistakes.replace("withold:", "withhold:");

        ConfigException first = catchThrowableOfType(ConfigException.class, () -> PolicyEngine.compile(
                "my-policy.yaml", withMistakes.getBytes(StandardCharsets.UTF_8)));
        ConfigException second = catchThrowableOfType(ConfigException.class, () -> PolicyEngine.compile(
                "my-policy.yaml", withOneMistake.getBytes(StandardCharsets.UTF_8)));

        assertThat(tutorial).contains(first.getMessage());
        assertThat(tutorial).contains(second.getMessage().substring(0, second.getMessage().indexOf("COURT-ORDER")));
    }

    @Test
    void tutorial_scenariosBehaveAsShown() {
        String fixed = (defaultPolicyText() + "\n" + yamlBlockAfter("## 4. Write the rule"))
                .replace("withold:", "withhold:").replace("COURT-ORDR", "COURT-ORDER");
        PolicyEngine mine = PolicyEngine.compile("my-policy.yaml", fixed.getBytes(StandardCharsets.UTF_8));
        Scenario courtOrder = Scenario.parse("court-order-from-local-authority", "s1.yaml",
                yamlBlockAfter("`my-scenarios/court-order-from-local-authority.yaml`:"));
        Scenario benefits = Scenario.parse("court-order-for-benefits", "s2.yaml",
                yamlBlockAfter("`my-scenarios/court-order-for-benefits.yaml`:"));

        ScenarioResult before = new ScenarioRunner(DEFAULTS).run(courtOrder, "s1.yaml");
        ScenarioResult after = new ScenarioRunner(mine).run(courtOrder, "s1.yaml");
        ScenarioResult combined = new ScenarioRunner(mine).run(benefits, "s2.yaml");
        int corpus = new ScenarioRunner(mine).runFolder(PolicyFixtures.scenarioFolder()).size();

        assertThat(before.failures()).containsExactly("expected ESCALATE by court-order-escalated, got DENY by"
                + " default-deny");
        assertThat(tutorial).contains("! " + before.failures().get(0));
        assertThat(after.passed()).isTrue();
        assertThat(combined.passed()).isTrue();
        assertThat(combined.decision().matchedRuleIds()).contains("benefits-and-tax-refused", "court-order-escalated");
        assertThat(tutorial).contains("OK my-policy.yaml: " + DEFAULTS.rules().size() + " rules")
                .contains("OK my-policy.yaml: " + mine.rules().size() + " rules")
                .contains(corpus + " scenarios, " + corpus + " passed, 0 failed");
    }
}

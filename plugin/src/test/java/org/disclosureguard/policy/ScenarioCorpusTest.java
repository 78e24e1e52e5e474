package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The scenario corpus ({@code test-fixtures/policy-scenarios}, located by the system property
 * {@code dg.policy.scenarios}) against the default policy: one dynamic test per file, and the check that every rule
 * of the default policy decides at least one scenario.
 */
class ScenarioCorpusTest {

    private static PolicyEngine defaults;
    private static List<ScenarioResult> results;

    @BeforeAll
    static void runCorpus() {
        defaults = PolicyEngine.defaults();
        results = new ScenarioRunner(defaults).runFolder(PolicyFixtures.scenarioFolder());
    }

    @TestFactory
    Stream<DynamicTest> everyScenario_getsItsExpectedDecision_fromTheDefaultPolicy() {
        return results.stream().map(result -> DynamicTest.dynamicTest(result.name(), Path.of(result.file()).toUri(),
                () -> {
                    assertThat(result.error()).as("the scenario file is valid").isEmpty();
                    assertThat(result.failures())
                            .as("%s%n%s", result.name(), String.join("\n", DecisionText.explain(result.decision())))
                            .isEmpty();
                    assertThat(result.passed()).isTrue();
                }));
    }

    @Test
    void everyRuleOfTheDefaultPolicy_decidesAtLeastOneScenario() {
        Set<String> deciding = results.stream().filter(ScenarioResult::passed)
                .map(r -> r.decision().ruleId()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> ruleIds = defaults.rules().stream().map(Rule::id).collect(Collectors.toCollection(TreeSet::new));

        assertThat(deciding).containsAll(ruleIds).containsAll(PolicyEngine.BUILT_IN_RULES);
    }

    @Test
    void theStoryOf2017To2018_isInTheCorpus() {
        Set<String> names = results.stream().map(ScenarioResult::name).collect(Collectors.toSet());

        assertThat(names).contains("overstayer-address-trace", "deportation-serious-conviction",
                "juvenile-safeguarding-from-immigration-unit", "police-serious-crime", "benefits-fraud",
                "public-health", "emergency-treatment-elsewhere", "restricted-record-planned-care",
                "name-based-fishing-search");
    }

    @Test
    void refusedSearches_areDecidedBeforeTheUpstreamCall() {
        List<ScenarioResult> fishing = results.stream()
                .filter(r -> r.scenario() != null && r.scenario().context().interaction() == Interaction.SEARCH)
                .filter(r -> r.decision().outcome() == Outcome.DENY)
                .toList();

        assertThat(fishing).isNotEmpty().allSatisfy(r -> assertThat(r.decision().stage()).isEqualTo(Stage.REQUEST));
    }
}

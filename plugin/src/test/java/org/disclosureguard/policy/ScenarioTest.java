package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.labels.Confidentiality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading scenario files and running them. */
class ScenarioTest {

    private static final String POLICE_READ = """
            requester:
              id: police-1
              organisation: A force
              class: police
            purpose: CRIMEPREV
            legalBasis: SERIOUS-CRIME
            caseReference: C-1
            requestingOfficer: DC 1
            request:
              interaction: search
              resourceType: Patient
              params:
                identifier: 'https://fhir.nhs.uk/Id/nhs-number|9449306613'
                birthdate: ['1979-03-14']
            """;

    private static final PolicyEngine ESCALATE_POLICE = PolicyFixtures.policy("""
              - id: police-escalated
                stage: request
                when: requester.class == 'police'
                then: escalate
                reviewer: caldicott-guardian
                withhold: [NATIONALITY]
            """);

    @Test
    void scenario_isReadWithEveryField() {
        Scenario scenario = Scenario.parse("police", "police.yaml", POLICE_READ + """
                resource:
                  type: Patient
                  id: p1
                  confidentiality: R
                  labels: [DEMO, LOCIS]
                  patientCompartment: false
                expect:
                  outcome: ESCALATE
                  rule: police-escalated
                  stage: resource
                  withheld: [NATIONALITY]
                  released: []
                  obligations: [NORDSCLCD]
                """);

        assertThat(scenario.context().requester()).isEqualTo(Requester.external("police-1", "A force", "police"));
        assertThat(scenario.context().interaction()).isEqualTo(Interaction.SEARCH);
        assertThat(scenario.context().params()).containsEntry("identifier",
                List.of("https://fhir.nhs.uk/Id/nhs-number|9449306613"))
                .containsEntry("birthdate", List.of("1979-03-14"));
        assertThat(scenario.context().caseReference()).isEqualTo("C-1");
        assertThat(scenario.resource().confidentiality()).isEqualTo(Confidentiality.R);
        assertThat(scenario.resource().labels()).containsExactlyInAnyOrder(PolicyFixtures.DEMO, PolicyFixtures.LOCIS);
        assertThat(scenario.resource().patientCompartment()).isFalse();
        assertThat(scenario.expect().outcome()).isEqualTo(Outcome.ESCALATE);
        assertThat(scenario.expect().stage()).isEqualTo(Stage.RESOURCE);
        assertThat(scenario.expect().withheld()).containsExactly(PolicyFixtures.NATIONALITY);
        assertThat(scenario.expect().released()).isEmpty();
        assertThat(scenario.expect().obligations()).singleElement()
                .satisfies(l -> assertThat(l.code()).isEqualTo("NORDSCLCD"));
    }

    @Test
    void invalidScenario_isRefused_naming_theLine_andDG2301() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Scenario.parse("bad", "bad.yaml",
                POLICE_READ + "expect:\n  outcome: allow\n  rule: x\n"));

        assertThat(e.getMessage()).isEqualTo("bad.yaml:16: DG-2301 unknown value 'allow' (expected one of"
                + " [permit, redact, escalate, deny])");
    }

    @Test
    void unknownFieldInAScenario_isRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Scenario.parse("bad", "bad.yaml",
                POLICE_READ + "purpose_of_use: TREAT\n"));

        assertThat(e.getMessage()).startsWith("bad.yaml:15: DG-2301 unknown field 'purpose_of_use'");
    }

    @Test
    void runner_reportsEveryDifferenceFromTheExpectation() {
        Scenario scenario = Scenario.parse("police", "police.yaml", POLICE_READ + """
                expect:
                  outcome: permit
                  rule: direct-care
                  stage: resource
                  withheld: [LOCIS]
                """);

        ScenarioResult result = new ScenarioRunner(ESCALATE_POLICE).run(scenario, "police.yaml");

        assertThat(result.passed()).isFalse();
        assertThat(result.failures()).containsExactly(
                "expected PERMIT by direct-care, got ESCALATE by police-escalated",
                "expected a decision at the resource stage, got the request stage",
                "expected withheld [LOCIS], got [NATIONALITY]");
    }

    @Test
    void runner_stopsAtARequestStageDeny_asTheGatewayWould() {
        PolicyEngine denyPolice = PolicyFixtures.policy("""
                  - id: police-refused
                    stage: request
                    when: requester.class == 'police'
                    then: deny
                    reason: no
                  - id: restricted
                    stage: resource
                    when: "true"
                    then: escalate
                    reviewer: caldicott-guardian
                """);
        Scenario scenario = Scenario.parse("police", "police.yaml", POLICE_READ + """
                resource:
                  type: Patient
                expect:
                  outcome: deny
                  rule: police-refused
                  stage: request
                """);

        ScenarioResult result = new ScenarioRunner(denyPolice).run(scenario, "police.yaml");

        assertThat(result.passed()).as("%s", result.failures()).isTrue();
        assertThat(result.decision()).isSameAs(result.requestDecision());
    }

    @Test
    void scenarioWithoutExpectation_fails_butStillHasItsDecision() {
        Scenario scenario = Scenario.parse("police", "police.yaml", POLICE_READ);

        ScenarioResult result = new ScenarioRunner(ESCALATE_POLICE).run(scenario, "police.yaml");

        assertThat(result.passed()).isFalse();
        assertThat(result.decision().ruleId()).isEqualTo("police-escalated");
        assertThat(result.failures()).singleElement().asString().contains("no expectation");
    }

    @Test
    void runFolder_runsEveryYamlFileInOrder_andAnInvalidFileFailsAlone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b-police.yaml"), POLICE_READ
                + "expect:\n  outcome: escalate\n  rule: police-escalated\n");
        Files.writeString(dir.resolve("a-broken.yaml"), "requester: [\n");
        Files.writeString(dir.resolve("notes.md"), "not a scenario");

        List<ScenarioResult> results = new ScenarioRunner(ESCALATE_POLICE).runFolder(dir);

        assertThat(results).extracting(ScenarioResult::name).containsExactly("a-broken.yaml", "b-police");
        assertThat(results.get(0).passed()).isFalse();
        assertThat(results.get(0).error()).contains("a-broken.yaml", "DG-2301", "not valid YAML");
        assertThat(results.get(1).passed()).isTrue();
    }

    @Test
    void runFolder_refusesAMissingOrEmptyFolder(@TempDir Path dir) {
        ScenarioRunner runner = new ScenarioRunner(ESCALATE_POLICE);

        assertThat(catchThrowableOfType(ConfigException.class, () -> runner.runFolder(dir.resolve("none")))
                .getMessage()).contains("DG-2302", "not a folder");
        assertThat(catchThrowableOfType(ConfigException.class, () -> runner.runFolder(dir))
                .getMessage()).contains("DG-2302", "no scenario files");
    }
}

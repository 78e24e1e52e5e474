package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad policy files: each gives one {@link ConfigException} whose message names the file, the line and a DG-20xx
 * code, and says what is wrong in words a practice can act on, never a stack trace or class name.
 */
class PolicyFileErrorsTest {

    private static final String VALID_RULE = """
              - id: ok
                stage: request
                when: "true"
                then: permit
            """;

    /** Compiles the text, expecting a failure; checks what every failure must have. */
    private static ConfigException failure(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> PolicyEngine.compile("policy.yaml", text.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as("the policy should have been refused").isNotNull();
        assertThat(e.getMessage()).startsWith("policy.yaml:" + e.line() + ": DG-20")
                .doesNotContain("Exception", "\tat ", "dev.cel", "org.yaml");
        assertThat(e.getCause()).isNull();
        return e;
    }

    private static ConfigException failureInRules(String rules) {
        return failure(PolicyFixtures.HEADER + rules);
    }

    @Test
    void unknownLabelInWithhold_isRefused_namingItsLine() {
        ConfigException e = failureInRules(VALID_RULE + """
                  - id: bad
                    stage: request
                    when: "true"
                    then: redact
                    withhold: [LOCIS, POSTCODE]
                """);

        assertThat(e.line()).isEqualTo(14);
        assertThat(e.getMessage()).contains("DG-2004", "rule 'bad'", "unknown label 'POSTCODE'", "LOCIS");
    }

    @Test
    void unknownObligation_isRefused() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: permit
                    obligations: [NORDISCLOSE]
                """);

        assertThat(e.line()).isEqualTo(10);
        assertThat(e.getMessage()).contains("DG-2004", "unknown obligation 'NORDISCLOSE'", "NORDSCLCD");
    }

    @Test
    void unknownLabelComparedWithResourceLabels_isRefused() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: resource
                    when: "'ADDRESS' in resource.labels"
                    then: permit
                """);

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.getMessage()).contains("DG-2004", "resource.labels is compared with 'ADDRESS'");
    }

    @Test
    void unknownFieldInARule_isRefused_namingTheField() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: permit
                    unless: "false"
                """);

        assertThat(e.line()).isEqualTo(10);
        assertThat(e.getMessage()).contains("DG-2002", "unknown field 'unless'", "withhold");
    }

    @Test
    void unknownTopLevelField_isRefused() {
        ConfigException e = failure("""
                version: 1
                requesterClasses: [police]
                purposes: [CRIMEPREV]
                legalBases: []
                requesters: []
                rules: []
                """);

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("DG-2002", "unknown field 'requesters'");
    }

    @Test
    void duplicateRuleId_isRefused_namingBothLines() {
        ConfigException e = failureInRules(VALID_RULE + VALID_RULE);

        assertThat(e.line()).isEqualTo(10);
        assertThat(e.getMessage()).contains("DG-2006", "duplicate rule id 'ok'", "first used on line 6");
    }

    @Test
    void builtInRuleId_isReserved() {
        ConfigException e = failureInRules("""
                  - id: default-deny
                    stage: request
                    when: "true"
                    then: deny
                    reason: no
                """);

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.getMessage()).contains("DG-2006", "reserved");
    }

    @Test
    void syntaxErrorInACondition_isRefused_atTheLineOfTheCondition() {
        ConfigException e = failureInRules(VALID_RULE + """
                  - id: bad
                    stage: request
                    when: requester.class == 'police' &&
                    then: permit
                """);

        assertThat(e.line()).isEqualTo(12);
        assertThat(e.getMessage()).contains("DG-2007", "rule 'bad'", "not a valid CEL expression");
    }

    @Test
    void errorOnTheThirdLineOfABlockCondition_namesThatLineOfTheFile() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: |
                      requester.class == 'police'
                        && purpose == 'CRIMEPREV'
                        && requester.clas == 'x'
                    then: permit
                """);

        assertThat(e.line()).isEqualTo(11);
        assertThat(e.getMessage()).contains("DG-2008", "unknown variable 'requester.clas'",
                "requester.class, requester.internal");
    }

    @Test
    void typeError_isRefused_withCelsExplanation() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: purpose == 3
                    then: permit
                """);

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.getMessage())
                .contains("DG-2008", "found no matching overload for '_==_' applied to '(string, int)'");
    }

    @Test
    void conditionThatIsNotBoolean_isRefused() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: purpose
                    then: permit
                """);

        assertThat(e.getMessage()).contains("DG-2008", "expected type 'bool' but found 'string'");
    }

    @Test
    void unknownVariable_isRefused_listingTheVariables() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: requester.role == 'admin'
                    then: permit
                """);

        assertThat(e.getMessage()).contains("DG-2008", "unknown variable 'requester.role'", "requester.class");
    }

    @Test
    void resourceFactsInARequestStageRule_areRefused_sayingWhichStageToUse() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: resource.confidentiality == 'R'
                    then: escalate
                    reviewer: caldicott-guardian
                """);

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.getMessage()).contains("DG-2010", "stage: resource");
    }

    @Test
    void conditionStartingWithAnExclamationMark_unquoted_isRefused_explainingYamlTags() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: !requester.internal
                    then: deny
                    reason: outsiders
                """);

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.getMessage()).contains("DG-2007", "quote the condition");
    }

    @Test
    void undeclaredPurposeInACondition_isRefused() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: purpose in ['TREAT', 'IMMIGENF']
                    then: permit
                """);

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.getMessage()).contains("DG-2005", "purpose is compared with 'IMMIGENF'",
                "[TREAT, CRIMEPREV]");
    }

    @Test
    void undeclaredRequesterClassOrLegalBasis_orImpossibleInteraction_isRefused() {
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "'immigration-enforcement' == requester.class"
                    then: permit
                """).getMessage()).contains("DG-2005", "requester.class", "'immigration-enforcement'");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: legalBasis != 'DEPORT-SERIOUS-CRIME'
                    then: permit
                """).getMessage()).contains("DG-2005", "legalBasis");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: interaction == 'search'
                    then: permit
                """).getMessage()).contains("DG-2005", "interaction", "SEARCH");
        assertThat(failureInRules("""
                  - id: bad
                    stage: resource
                    when: resource.confidentiality == 'restricted'
                    then: permit
                """).getMessage()).contains("DG-2005", "U, L, M, N, R, V");
    }

    @Test
    void wrongTypes_areRefused() {
        assertThat(failureInRules("""
                  - id: [bad]
                    stage: request
                    when: "true"
                    then: permit
                """).getMessage()).contains("policy.yaml:6:", "DG-2002", "expected a single value");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: redact
                    withhold: LOCIS
                """).getMessage()).contains("policy.yaml:10:", "DG-2002", "expected a list");
        assertThat(failure("""
                version: one
                requesterClasses: [police]
                purposes: [CRIMEPREV]
                legalBases: []
                rules: []
                """).getMessage()).contains("policy.yaml:1:", "DG-2002", "expected a whole number");
        assertThat(failure("""
                version: 1
                requesterClasses: police
                purposes: [CRIMEPREV]
                legalBases: []
                rules: []
                """).getMessage()).contains("policy.yaml:2:", "DG-2002", "expected a list");
        assertThat(failure("""
                version: 1
                requesterClasses: [police]
                purposes: [CRIMEPREV]
                legalBases: []
                rules:
                  id: not-a-list
                """).getMessage()).contains("policy.yaml:6:", "DG-2002", "expected a list");
    }

    @Test
    void fieldsThatDoNotFitTheOutcome_areRefused() {
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: deny
                """).getMessage()).contains("policy.yaml:6:", "DG-2009", "a deny rule needs 'reason'");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: escalate
                """).getMessage()).contains("DG-2009", "needs 'reviewer'");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: redact
                """).getMessage()).contains("DG-2009", "needs 'withhold'");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: redact
                    withhold: []
                """).getMessage()).contains("policy.yaml:10:", "DG-2009", "at least one label");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: permit
                    withhold: [LOCIS]
                """).getMessage()).contains("policy.yaml:10:", "DG-2009", "'withhold' does not apply to a permit rule");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: deny
                    reason: no
                    obligations: [NORDSCLCD]
                """).getMessage()).contains("DG-2009", "'obligations' does not apply to a deny rule");
        assertThat(failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: allow
                """).getMessage()).contains("policy.yaml:9:", "DG-2009", "unknown outcome 'allow'");
        assertThat(failureInRules("""
                  - id: bad
                    stage: response
                    when: "true"
                    then: permit
                """).getMessage()).contains("policy.yaml:7:", "DG-2009", "unknown stage 'response'");
    }

    @Test
    void unsupportedVersion_isRefused() {
        ConfigException e = failure("""
                version: 2
                requesterClasses: [police]
                purposes: [CRIMEPREV]
                legalBases: []
                rules: []
                """);

        assertThat(e.line()).isEqualTo(1);
        assertThat(e.getMessage()).contains("DG-2003", "unsupported version 2");
    }

    @Test
    void invalidYamlOrAnEmptyFileOrNonUtf8_isRefusedAsUnreadable() {
        assertThat(failure("version: 1\nrules: [\n").getMessage()).contains("DG-2001", "not valid YAML");
        assertThat(failure("").getMessage()).contains("DG-2001", "empty");
        ConfigException binary = catchThrowableOfType(ConfigException.class,
                () -> PolicyEngine.compile("policy.yaml", new byte[] {(byte) 0xff, (byte) 0xfe, 0x00}));
        assertThat(binary.getMessage()).contains("DG-2001", "not UTF-8");
    }

    @Test
    void duplicateYamlKey_isRefused() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: permit
                    then: deny
                """);

        assertThat(e.getMessage()).contains("DG-2002").containsIgnoringCase("duplicate");
    }

    @Test
    void codeListedTwice_isRefused() {
        ConfigException e = failure("""
                version: 1
                requesterClasses: [police, police]
                purposes: [CRIMEPREV]
                legalBases: []
                rules: []
                """);

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("DG-2002", "'police' is listed twice");
    }

    @Test
    void missingFile_isRefusedAsUnreadable(@TempDir Path dir) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> PolicyEngine.load(dir.resolve("missing.yaml")));

        assertThat(e.getMessage()).contains("missing.yaml", "DG-2001", "cannot be read").doesNotContain("\tat ");
    }

    @Test
    void validFile_loadsFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, PolicyFixtures.HEADER + VALID_RULE);

        assertThat(PolicyEngine.load(file).rules()).hasSize(1);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"3", "0", "two", "-1", "1.5"})
    void approvalsOutsideOneOrTwo_isRefused_namingItsLine(String value) {
        ConfigException e = failureInRules(VALID_RULE + """
                  - id: bad
                    stage: request
                    when: "true"
                    then: escalate
                    reviewer: caldicott-guardian
                    approvals: %s
                """.formatted(value));

        assertThat(e.line()).isEqualTo(15);
        assertThat(e.getMessage()).contains("DG-2009", "rule 'bad'", "approvals '" + value + "'", "use 1", "or 2");
    }

    @Test
    void approvalsOnARuleThatDoesNotEscalate_isRefused() {
        ConfigException e = failureInRules("""
                  - id: bad
                    stage: request
                    when: "true"
                    then: permit
                    approvals: 2
                """);

        assertThat(e.line()).isEqualTo(10);
        assertThat(e.getMessage()).contains("DG-2009", "'approvals' does not apply to a permit rule");
    }

    @Test
    void approvalsTwo_isCompiled_andTheStricterOfTwoMatchingEscalationsCounts() {
        PolicyEngine engine = PolicyEngine.compile("policy.yaml", (PolicyFixtures.HEADER + """
                  - id: one
                    stage: request
                    when: "true"
                    then: escalate
                    reviewer: caldicott-guardian
                  - id: two
                    stage: request
                    when: "true"
                    then: escalate
                    reviewer: caldicott-guardian
                    approvals: 2
                """).getBytes(StandardCharsets.UTF_8));

        assertThat(engine.rule("two").orElseThrow().approvals()).isEqualTo(2);
        assertThat(engine.rule("one").orElseThrow().approvals()).isEqualTo(1);
        Decision decision = engine.decideRequest(new RequestContext(Requester.external("r", "Org", "police"), "CRIMEPREV", "SERIOUS-CRIME", "c",
                        "o", Interaction.READ, "Patient", java.util.Map.of()));
        assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
        assertThat(decision.ruleId()).isEqualTo("one");
        assertThat(decision.approvals()).isEqualTo(2);
    }
}

package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.policy.PolicyFixtures.DEMO;
import static org.disclosureguard.policy.PolicyFixtures.IDS;
import static org.disclosureguard.policy.PolicyFixtures.LOCIS;
import static org.disclosureguard.policy.PolicyFixtures.NATIONALITY;
import static org.disclosureguard.policy.PolicyFixtures.POLICE;
import static org.disclosureguard.policy.PolicyFixtures.PROVIDER;
import static org.disclosureguard.policy.PolicyFixtures.STAFF;
import static org.disclosureguard.policy.PolicyFixtures.patient;
import static org.disclosureguard.policy.PolicyFixtures.policy;
import static org.disclosureguard.policy.PolicyFixtures.read;
import static org.disclosureguard.policy.PolicyFixtures.search;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.junit.jupiter.api.Test;

/** The combining algorithm of {@link PolicyEngine}, rule by rule of its definition. */
class PolicyEngineTest {

    private static final SecurityLabel NORDSCLCD = new SecurityLabel(Vocabulary.ACT_CODE, "NORDSCLCD");
    private static final SecurityLabel NOREUSE = new SecurityLabel(Vocabulary.ACT_CODE, "NOREUSE");

    @Test
    void mostRestrictiveOutcome_wins_whateverTheFileOrder() {
        PolicyEngine engine = policy("""
                  - id: permit-all
                    stage: request
                    when: "true"
                    then: permit
                  - id: escalate-police
                    stage: request
                    when: requester.class == 'police'
                    then: escalate
                    reviewer: caldicott-guardian
                  - id: redact-police
                    stage: request
                    when: requester.class == 'police'
                    then: redact
                    withhold: [LOCIS]
                """);

        Decision decision = engine.decideRequest(read(POLICE, "CRIMEPREV"));

        assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
        assertThat(decision.ruleId()).isEqualTo("escalate-police");
        assertThat(decision.reviewerRole()).isEqualTo("caldicott-guardian");
        assertThat(decision.code()).isEqualTo(PolicyError.ESCALATED);
        assertThat(decision.matchedRuleIds()).containsExactly("permit-all", "escalate-police", "redact-police");
    }

    @Test
    void deny_beatsEverything_andTheFirstMatchingDenyDecides_withItsReason() {
        PolicyEngine engine = policy("""
                  - id: escalate-all
                    stage: request
                    when: "true"
                    then: escalate
                    reviewer: caldicott-guardian
                  - id: deny-first
                    stage: request
                    when: purpose == 'CRIMEPREV'
                    then: deny
                    reason: first reason
                  - id: deny-second
                    stage: request
                    when: requester.class == 'police'
                    then: deny
                    reason: second reason
                """);

        Decision decision = engine.decideRequest(read(POLICE, "CRIMEPREV"));

        assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
        assertThat(decision.ruleId()).isEqualTo("deny-first");
        assertThat(decision.reason()).isEqualTo("first reason");
        assertThat(decision.code()).isEqualTo(PolicyError.DENIED_BY_RULE);
        assertThat(decision.obligations()).isEmpty();
        assertThat(decision.withheld()).isEmpty();
        assertThat(decision.releases()).isFalse();
    }

    @Test
    void redact_withholdsTheUnionOfAllMatchingRedactRules_andObligationsAreUnioned() {
        PolicyEngine engine = policy("""
                  - id: permit-provider
                    stage: request
                    when: requester.class == 'nhs-provider'
                    then: permit
                    obligations: [NORDSCLCD]
                  - id: no-location
                    stage: request
                    when: "true"
                    then: redact
                    withhold: [LOCIS]
                  - id: no-nationality
                    stage: resource
                    when: "'NATIONALITY' in resource.labels"
                    then: redact
                    withhold: [NATIONALITY]
                    obligations: [NOREUSE]
                  - id: not-matching
                    stage: request
                    when: requester.class == 'police'
                    then: redact
                    withhold: [DEMO]
                """);

        Decision decision = engine.decideResource(read(PROVIDER, "TREAT"),
                patient(Confidentiality.N, DEMO, LOCIS, NATIONALITY, IDS));

        assertThat(decision.outcome()).isEqualTo(Outcome.REDACT);
        assertThat(decision.ruleId()).isEqualTo("no-location");
        assertThat(decision.withheld()).containsExactlyInAnyOrder(LOCIS, NATIONALITY);
        assertThat(decision.released()).containsExactlyInAnyOrder(DEMO, IDS);
        assertThat(decision.obligations()).containsExactlyInAnyOrder(NORDSCLCD, NOREUSE);
        assertThat(decision.code()).isNull();
        assertThat(decision.releases()).isTrue();
    }

    @Test
    void escalate_proposesTheUnionOfMatchingEscalateAndRedactWithholdings_andReleasesNothingYet() {
        PolicyEngine engine = policy("""
                  - id: escalate-police
                    stage: request
                    when: requester.class == 'police'
                    then: escalate
                    reviewer: caldicott-guardian
                    withhold: [NATIONALITY]
                    obligations: [NORDSCLCD]
                  - id: no-location
                    stage: request
                    when: "true"
                    then: redact
                    withhold: [LOCIS]
                """);

        Decision decision = engine.decideResource(read(POLICE, "CRIMEPREV"),
                patient(Confidentiality.N, DEMO, LOCIS, NATIONALITY));

        assertThat(decision.outcome()).isEqualTo(Outcome.ESCALATE);
        assertThat(decision.withheld()).containsExactlyInAnyOrder(LOCIS, NATIONALITY);
        assertThat(decision.obligations()).containsExactly(NORDSCLCD);
        assertThat(decision.released()).isEmpty();
        assertThat(decision.releases()).isFalse();
        assertThat(decision.reason()).contains("caldicott-guardian");
    }

    @Test
    void permit_withholdsNothing_andReleasesEveryLabelPresent() {
        PolicyEngine engine = policy("""
                  - id: direct-care
                    stage: request
                    when: requester.class == 'nhs-provider' && purpose == 'TREAT'
                    then: permit
                    obligations: [NORDSCLCD]
                """);

        Decision decision = engine.decideResource(read(PROVIDER, "TREAT"), patient(Confidentiality.N, DEMO, LOCIS));

        assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(decision.redaction().isEmpty()).isTrue();
        assertThat(decision.released()).containsExactlyInAnyOrder(DEMO, LOCIS);
        assertThat(decision.obligations()).containsExactly(NORDSCLCD);
    }

    @Test
    void noMatchingRule_isDeniedByDefaultDeny_withATraceEndingInTheBuiltInRule() {
        PolicyEngine engine = policy("""
                  - id: police-only
                    stage: request
                    when: requester.class == 'police'
                    then: permit
                """);

        Decision decision = engine.decideRequest(read(PROVIDER, "TREAT"));

        assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
        assertThat(decision.ruleId()).isEqualTo(PolicyEngine.DEFAULT_DENY);
        assertThat(decision.code()).isEqualTo(PolicyError.DENIED_BY_DEFAULT);
        assertThat(decision.reason()).isEqualTo(PolicyEngine.DEFAULT_DENY_REASON);
        assertThat(decision.trace()).extracting(RuleEvaluation::ruleId)
                .containsExactly("police-only", PolicyEngine.DEFAULT_DENY);
        assertThat(decision.trace().get(0).result()).isEqualTo(RuleEvaluation.Result.NOT_MATCHED);
    }

    @Test
    void internalRequesters_areDecidedByRules_andDeniedByDefaultWhenNoRuleMatches() {
        PolicyEngine engine = policy("""
                  - id: provider-only
                    stage: request
                    when: requester.class == 'nhs-provider'
                    then: permit
                """);

        Decision decision = engine.decideRequest(read(STAFF, "TREAT"));

        assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
        assertThat(decision.ruleId()).isEqualTo(PolicyEngine.DEFAULT_DENY);
    }

    @Test
    void undeclaredRequesterClassPurposeOrLegalBasis_isDeniedBeforeAnyRuleIsEvaluated() {
        PolicyEngine engine = policy("""
                  - id: permit-all
                    stage: request
                    when: "true"
                    then: permit
                """);
        Requester insurer = Requester.external("ins-1", "An insurer", "insurer");

        Decision byClass = engine.decideRequest(read(insurer, "TREAT"));
        Decision byPurpose = engine.decideRequest(read(PROVIDER, "HMARKT"));
        Decision byBasis = engine.decideRequest(RequestContext.read(PROVIDER, "TREAT", "WHIM", "Patient"));
        Decision nothingStated = engine.decideRequest(RequestContext.read(PROVIDER, "", "", "Patient"));

        for (Decision decision : List.of(byClass, byPurpose, byBasis)) {
            assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
            assertThat(decision.ruleId()).isEqualTo(PolicyEngine.UNDECLARED_CODE);
            assertThat(decision.code()).isEqualTo(PolicyError.UNDECLARED_CODE);
            assertThat(decision.trace()).singleElement().extracting(RuleEvaluation::ruleId)
                    .isEqualTo(PolicyEngine.UNDECLARED_CODE);
        }
        assertThat(byClass.reason()).contains("requester class 'insurer'");
        assertThat(byPurpose.reason()).contains("purpose of use 'HMARKT'");
        assertThat(byBasis.reason()).contains("legal basis 'WHIM'");
        assertThat(nothingStated.outcome()).isEqualTo(Outcome.PERMIT);
    }

    @Test
    void evaluationError_failsClosed_namingTheRuleAndTheCode_andStopsEvaluation() {
        PolicyEngine engine = policy("""
                  - id: permit-all
                    stage: request
                    when: "true"
                    then: permit
                  - id: reads-a-missing-parameter
                    stage: request
                    when: params['name'][0] == 'Smith'
                    then: permit
                  - id: never-reached
                    stage: request
                    when: "true"
                    then: permit
                """);

        Decision decision = engine.decideRequest(search(PROVIDER, "TREAT", Map.of("identifier", List.of("x"))));

        assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
        assertThat(decision.ruleId()).isEqualTo("reads-a-missing-parameter");
        assertThat(decision.code()).isEqualTo(PolicyError.EVALUATION_FAILED);
        assertThat(decision.reason()).contains("DG-2104").doesNotContain("name");
        assertThat(decision.trace()).extracting(RuleEvaluation::ruleId)
                .containsExactly("permit-all", "reads-a-missing-parameter");
        assertThat(decision.trace().get(1).result()).isEqualTo(RuleEvaluation.Result.ERROR);
        assertThat(decision.trace().get(1).detail()).isNotBlank();
    }

    @Test
    void requestDecision_ignoresResourceStageRules_andResourceDecision_includesRequestStageRules() {
        PolicyEngine engine = policy("""
                  - id: restricted-escalated
                    stage: resource
                    when: resource.confidentiality in ['R', 'V']
                    then: escalate
                    reviewer: caldicott-guardian
                  - id: direct-care
                    stage: request
                    when: purpose == 'TREAT'
                    then: permit
                """);
        RequestContext context = read(PROVIDER, "TREAT");

        Decision request = engine.decideRequest(context);
        Decision normal = engine.decideResource(context, patient(Confidentiality.N, DEMO));
        Decision restricted = engine.decideResource(context, patient(Confidentiality.R, DEMO));

        assertThat(request.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(request.stage()).isEqualTo(Stage.REQUEST);
        assertThat(request.trace()).extracting(RuleEvaluation::ruleId).containsExactly("direct-care");
        assertThat(normal.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(normal.stage()).isEqualTo(Stage.RESOURCE);
        assertThat(normal.trace()).extracting(RuleEvaluation::ruleId)
                .containsExactly("restricted-escalated", "direct-care");
        assertThat(restricted.outcome()).isEqualTo(Outcome.ESCALATE);
        assertThat(restricted.ruleId()).isEqualTo("restricted-escalated");
    }

    @Test
    void resourceLabels_areSeenByShortNameAndBySystemAndCode() {
        PolicyEngine engine = policy("""
                  - id: by-name
                    stage: resource
                    when: "'LOCIS' in resource.labels"
                    then: permit
                  - id: by-system-and-code
                    stage: resource
                    when: "'http://terminology.hl7.org/CodeSystem/v3-ActCode#LOCIS' in resource.labels"
                    then: permit
                """);

        Decision decision = engine.decideResource(read(PROVIDER, "TREAT"), patient(Confidentiality.N, LOCIS));

        assertThat(decision.matchedRuleIds()).containsExactly("by-name", "by-system-and-code");
    }

    @Test
    void everyVariable_isBoundFromTheContextAndFacts() {
        PolicyEngine engine = policy("""
                  - id: all-variables
                    stage: resource
                    when: |
                      requester.id == 'police-1' && requester.organisation == 'A force'
                        && requester.class == 'police' && !requester.internal
                        && purpose == 'CRIMEPREV' && legalBasis == 'SERIOUS-CRIME'
                        && caseReference == 'C-1' && requestingOfficer == 'DC 1'
                        && interaction == 'SEARCH' && resourceType == 'Patient'
                        && params['identifier'] == ['a', 'b']
                        && resource.type == 'Patient' && resource.id == 'p1'
                        && resource.confidentiality == 'R'
                        && resource.labels == ['DEMO', 'http://terminology.hl7.org/CodeSystem/v3-ActCode#DEMO']
                        && resource.patientCompartment
                    then: permit
                """);
        RequestContext context = RequestContext.search(POLICE, "CRIMEPREV", "SERIOUS-CRIME", "Patient",
                Map.of("identifier", List.of("a", "b"))).withCase("C-1", "DC 1");

        Decision decision = engine.decideResource(context, patient(Confidentiality.R, DEMO));

        assertThat(decision.outcome()).as(DecisionText.explain(decision).toString()).isEqualTo(Outcome.PERMIT);
        assertThat(PolicyVariables.activation(context, patient(Confidentiality.R, DEMO)).keySet())
                .containsExactlyInAnyOrderElementsOf(PolicyVariables.RESOURCE_VARIABLES.keySet());
    }

    @Test
    void version_isTheSha256OfTheFileBytes() throws Exception {
        byte[] bytes = (PolicyFixtures.HEADER + """
                  - id: permit-all
                    stage: request
                    when: "true"
                    then: permit
                """).getBytes(StandardCharsets.UTF_8);

        PolicyEngine engine = PolicyEngine.compile("p.yaml", bytes);

        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(engine.version()).isEqualTo(expected);
        assertThat(engine.decideRequest(read(PROVIDER, "TREAT")).policyVersion()).isEqualTo(expected);
    }

    @Test
    void rules_areExposedInFileOrder_withTheirFieldsAndLines() {
        PolicyEngine engine = policy("""
                  - id: first
                    description: the first rule
                    stage: request
                    when: "true"
                    then: deny
                    reason: because
                  - id: second
                    stage: resource
                    when: "true"
                    then: redact
                    withhold: [NATIONALITY, LOCIS]
                    obligations: [NORDSCLCD]
                """);

        assertThat(engine.rules()).extracting(Rule::id).containsExactly("first", "second");
        Rule first = engine.rule("first").orElseThrow();
        assertThat(first.description()).isEqualTo("the first rule");
        assertThat(first.line()).isEqualTo(6);
        assertThat(first.reason()).isEqualTo("because");
        Rule second = engine.rule("second").orElseThrow();
        assertThat(second.withhold()).containsExactly(NATIONALITY, LOCIS);
        assertThat(second.obligations()).containsExactly(NORDSCLCD);
        assertThat(engine.rule("third")).isEmpty();
        assertThat(engine.requesterClasses()).containsExactly("nhs-provider", "police", "practice");
    }
}

package org.disclosureguard.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.review.ReviewFixtures.FOURTEEN_DAYS;
import static org.disclosureguard.review.ReviewFixtures.T0;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyError;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.disclosureguard.policy.Stage;
import org.disclosureguard.redaction.Redaction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The release of an approved case is never less restrictive than the approval, whatever the policy in force at
 * release time says: seeded random label sets and random current decisions, and seeded random pairs of real policies
 * (the one that escalated, a newer one at release). The seed is in each test's name; rerun one by its seed.
 */
class ReleasePropertiesTest {

    static final SecurityLabel PRACTICE_LABEL = new SecurityLabel("https://practice.example/labels", "PHOTO");
    static final List<SecurityLabel> UNIVERSE;
    static final List<String> ALIASES = List.of("DEMO", "DOB", "IDS", "GENDER", "LOCIS", "NATIONALITY", "LANGUAGE",
            "RACE", "REL", "MARST");
    static final List<String> OBLIGATION_CODES = List.of("NORDSCLCD", "NOREUSE", "DELAU", "ENCRYPT");

    static {
        List<SecurityLabel> universe = new ArrayList<>(PlainEnglish.DEMOGRAPHIC_LABELS);
        universe.add(PRACTICE_LABEL);
        UNIVERSE = List.copyOf(universe);
    }

    static final RequestContext POLICE_READ = new RequestContext(
            Requester.external("police-1", "A force", "police"), "CRIMEPREV", "SERIOUS-CRIME", "ref", "officer",
            Interaction.READ, "Patient", java.util.Map.of());

    // ---- combining with any current decision -----------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> combine_withheldCoversTheApprovalAndTheCurrentDecision_orRefuses() {
        return IntStream.rangeClosed(1, 300).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Random random = new Random(seed);
            Set<SecurityLabel> proposal = subset(random, UNIVERSE);
            Set<SecurityLabel> approved = union(proposal, subset(random, UNIVERSE));
            Set<SecurityLabel> caseObligations = obligations(random);
            ReviewCase approvedCase = approvedCase(proposal, approved, caseObligations, "caldicott-guardian");
            Outcome outcome = Outcome.values()[random.nextInt(Outcome.values().length)];
            String role = random.nextBoolean() ? "caldicott-guardian" : "safeguarding-lead";
            Decision current = decision(outcome, subset(random, UNIVERSE), obligations(random), role,
                    random.nextBoolean());

            Release release = Release.combine(approvedCase, current);

            if (outcome == Outcome.DENY) {
                assertThat(release).isInstanceOfSatisfying(Release.Refuse.class, r -> {
                    assertThat(r.code()).isEqualTo(PolicyError.DENIED_BY_RULE.code());
                    assertThat(r.reason()).isEqualTo(current.reason());
                });
                return;
            }
            if (outcome == Outcome.ESCALATE && !role.equals("caldicott-guardian")) {
                assertThat(release).isInstanceOfSatisfying(Release.Refuse.class,
                        r -> assertThat(r.code()).isEqualTo(ReviewError.REVIEW_AGAIN.code()));
                return;
            }
            Release.Disclose disclose = (Release.Disclose) release;
            assertThat(disclose.withheld()).containsAll(approved).containsAll(proposal)
                    .containsAll(current.withheld())
                    .isEqualTo(union(approved, current.withheld()));
            assertThat(disclose.obligations()).containsAll(caseObligations).containsAll(current.obligations());
            assertThat(disclose.redaction().suppressTotals()).isEqualTo(current.redaction().suppressTotals());
            // nothing the reviewer withheld is released
            Set<SecurityLabel> releasedLabels = new HashSet<>(UNIVERSE);
            releasedLabels.removeAll(disclose.withheld());
            Set<SecurityLabel> approvedRelease = new HashSet<>(UNIVERSE);
            approvedRelease.removeAll(approved);
            assertThat(approvedRelease).containsAll(releasedLabels);
        }));
    }

    @TestFactory
    Stream<DynamicTest> combine_isMonotone_aCurrentDecisionWithholdingMoreNeverReleasesMore() {
        return IntStream.rangeClosed(1, 100).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Random random = new Random(1000L + seed);
            Set<SecurityLabel> proposal = subset(random, UNIVERSE);
            ReviewCase approvedCase = approvedCase(proposal, union(proposal, subset(random, UNIVERSE)),
                    obligations(random), "caldicott-guardian");
            Set<SecurityLabel> smaller = subset(random, UNIVERSE);
            Set<SecurityLabel> larger = union(smaller, subset(random, UNIVERSE));
            Outcome outcome = random.nextBoolean() ? Outcome.REDACT : Outcome.ESCALATE;
            Release.Disclose a = (Release.Disclose) Release.combine(approvedCase,
                    decision(outcome, smaller, Set.of(), "caldicott-guardian", false));
            Release.Disclose b = (Release.Disclose) Release.combine(approvedCase,
                    decision(outcome, larger, Set.of(), "caldicott-guardian", false));
            assertThat(b.withheld()).containsAll(a.withheld());
        }));
    }

    // ---- re-deciding with a real, newer policy ---------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> redecide_withANewerPolicy_neverReleasesMoreThanTheApproval() {
        return IntStream.rangeClosed(1, 60).mapToObj(seed -> {
            Random random = new Random(5000L + seed);
            Set<String> proposal = aliasSubset(random);
            Set<String> extra = aliasSubset(random);
            String newer = List.of("permit", "redact", "escalate", "escalate-other", "deny").get(random.nextInt(5));
            Set<String> newerWithhold = aliasSubset(random);
            if (newerWithhold.isEmpty()) {
                newerWithhold = Set.of("LOCIS");
            }
            Set<String> newerLabels = newerWithhold;
            return DynamicTest.dynamicTest("seed " + (5000L + seed) + ": escalate " + proposal + ", then " + newer
                    + " " + newerWithhold, () -> {
                        PolicyEngine first = policy(escalateRule(proposal, "caldicott-guardian"));
                        Decision escalated = first.decideRequest(POLICE_READ);
                        assertThat(escalated.outcome()).isEqualTo(Outcome.ESCALATE);
                        Set<SecurityLabel> approved = union(labels(proposal), labels(extra));
                        ReviewCase approvedCase = approvedCase(escalated, approved);

                        PolicyEngine second = policy(switch (newer) {
                            case "permit" -> """
                                      - id: newer
                                        stage: request
                                        when: requester.class == 'police'
                                        then: permit
                                        obligations: [NOREUSE]
                                    """;
                            case "redact" -> redactRule(newerLabels);
                            case "escalate" -> escalateRule(newerLabels, "caldicott-guardian");
                            case "escalate-other" -> escalateRule(newerLabels, "safeguarding-lead");
                            default -> """
                                      - id: newer
                                        stage: request
                                        when: requester.class == 'police'
                                        then: deny
                                        reason: Police requests are no longer accepted.
                                    """;
                        });
                        Release release = new ReviewOutcome.Approved(approvedCase).release(second);

                        switch (newer) {
                            case "deny" -> assertThat(release).isInstanceOfSatisfying(Release.Refuse.class,
                                    r -> assertThat(r.reason()).isEqualTo("Police requests are no longer accepted."));
                            case "escalate-other" -> assertThat(release).isInstanceOf(Release.Refuse.class);
                            case "permit" -> assertThat(((Release.Disclose) release).withheld()).isEqualTo(approved);
                            default -> assertThat(((Release.Disclose) release).withheld())
                                    .isEqualTo(union(approved, labels(newerLabels)));
                        }
                        if (release instanceof Release.Disclose d) {
                            assertThat(d.obligations()).contains(
                                    new SecurityLabel(org.disclosureguard.labels.Vocabulary.ACT_CODE, "NORDSCLCD"));
                            assertThat(d.current().policyVersion()).isEqualTo(second.version());
                        }
                    });
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static PolicyEngine policy(String rules) {
        String yaml = """
                version: 1
                requesterClasses: [police]
                purposes: [CRIMEPREV]
                legalBases: [SERIOUS-CRIME]
                rules:
                """ + rules;
        return PolicyEngine.compile("release-test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static String escalateRule(Set<String> withhold, String reviewer) {
        return "  - id: escalated\n    stage: request\n    when: requester.class == 'police'\n    then: escalate\n"
                + "    reviewer: " + reviewer + "\n"
                + (withhold.isEmpty() ? "" : "    withhold: [" + String.join(", ", withhold) + "]\n")
                + "    obligations: [NORDSCLCD]\n";
    }

    static String redactRule(Set<String> withhold) {
        return "  - id: redacted\n    stage: request\n    when: requester.class == 'police'\n    then: redact\n"
                + "    withhold: [" + String.join(", ", withhold) + "]\n";
    }

    static Set<SecurityLabel> labels(Set<String> aliases) {
        return aliases.stream().map(SecurityLabel::parse).collect(Collectors.toSet());
    }

    static Set<String> aliasSubset(Random random) {
        Set<String> subset = new LinkedHashSet<>();
        for (String alias : ALIASES) {
            if (random.nextInt(3) == 0) {
                subset.add(alias);
            }
        }
        return subset;
    }

    static Set<SecurityLabel> subset(Random random, List<SecurityLabel> from) {
        Set<SecurityLabel> subset = new HashSet<>();
        for (SecurityLabel label : from) {
            if (random.nextBoolean()) {
                subset.add(label);
            }
        }
        return subset;
    }

    static Set<SecurityLabel> obligations(Random random) {
        Set<SecurityLabel> out = new HashSet<>();
        for (String code : OBLIGATION_CODES) {
            if (random.nextBoolean()) {
                out.add(new SecurityLabel(org.disclosureguard.labels.Vocabulary.ACT_CODE, code));
            }
        }
        return out;
    }

    static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    static Decision decision(Outcome outcome, Set<SecurityLabel> withheld, Set<SecurityLabel> obligations,
            String role, boolean suppressTotals) {
        Redaction redaction = outcome == Outcome.DENY || outcome == Outcome.PERMIT ? Redaction.none()
                : new Redaction(withheld, suppressTotals);
        return new Decision(outcome, "current-rule", "sha256:current", Stage.REQUEST, redaction, Set.of(),
                outcome == Outcome.DENY ? Set.of() : obligations, outcome == Outcome.DENY ? "Refused now." : "",
                outcome == Outcome.ESCALATE ? role : "", outcome == Outcome.DENY ? PolicyError.DENIED_BY_RULE
                        : outcome == Outcome.ESCALATE ? PolicyError.ESCALATED : null, List.of());
    }

    static ReviewCase approvedCase(Set<SecurityLabel> proposal, Set<SecurityLabel> approved,
            Set<SecurityLabel> obligations, String role) {
        Escalation escalation = new Escalation("escalated", "sha256:first", Stage.REQUEST, role, proposal,
                obligations, "", "req-held");
        return new ReviewCase("AAAAAAAAAAAAAAAAAAAAAAAA", CaseState.APPROVED, 2, T0, T0.plus(FOURTEEN_DAYS),
                POLICE_READ, RequestShape.read("Patient", "9000000009"), escalation, "dr-okafor", T0.plusSeconds(60),
                approved, "", "", "", null);
    }

    static ReviewCase approvedCase(Decision escalated, Set<SecurityLabel> approved) {
        return new ReviewCase("AAAAAAAAAAAAAAAAAAAAAAAA", CaseState.APPROVED, 2, T0, T0.plus(FOURTEEN_DAYS),
                POLICE_READ, RequestShape.read("Patient", "9000000009"), Escalation.of(escalated, "req-held"),
                "dr-okafor", T0.plusSeconds(60), approved, "", "", "", null);
    }
}

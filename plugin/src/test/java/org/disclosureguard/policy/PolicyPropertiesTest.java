package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.runtime.CelRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Invariants of the combining algorithm over seeded random policies and requests. Each case is generated from its
 * own seed, printed in the test name, so a failing case is reproduced from the seed alone.
 *
 * <ul>
 *   <li>A permit rule added anywhere never turns a DENY decided by a rule into anything else.</li>
 *   <li>A permit rule added anywhere changes nothing but a default deny.</li>
 *   <li>Decisions are deterministic, and every decision names a rule of the policy (or a built-in rule) and the
 *       policy's version.</li>
 *   <li>A resource decision is never less restrictive than its request's decision by a rule.</li>
 * </ul>
 *
 * <p>Compiling a CEL condition costs about a millisecond, so the conditions are drawn from a pool compiled once,
 * and the generated policies are assembled from it. That the assembled policies decide exactly as the same policies
 * written out as YAML and compiled from scratch is itself checked, on one case in ten.
 */
class PolicyPropertiesTest {

    private static final long SEED = 20180509L;
    private static final int CASES = 200;
    private static final int POOL_SIZE = 60;
    private static final String ADDED = "added-permit";

    private static final List<String> CLASSES = List.of("nhs-provider", "police", "immigration-enforcement");
    private static final List<String> PURPOSES = List.of("TREAT", "CRIMEPREV", "IMMIGENF");
    private static final List<String> BASES = List.of("DIRECT-CARE", "SERIOUS-CRIME", "IMMIGRATION-ADMIN");
    private static final List<String> LABELS = List.of("DEMO", "LOCIS", "NATIONALITY", "IDS", "DOB");
    private static final String HEADER = "version: 1\nrequesterClasses: " + CLASSES + "\npurposes: " + PURPOSES
            + "\nlegalBases: " + BASES + "\nrules:\n";

    /** Pools of compiled conditions, per stage, in generation order. */
    private static final Map<Stage, List<String>> CONDITIONS = new HashMap<>();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new HashMap<>();

    static {
        Random random = new Random(SEED);
        StringBuilder pool = new StringBuilder(HEADER);
        int id = 0;
        for (Stage stage : Stage.values()) {
            Set<String> conditions = new LinkedHashSet<>();
            conditions.add("true");
            while (conditions.size() < POOL_SIZE) {
                conditions.add(condition(random, stage));
            }
            CONDITIONS.put(stage, List.copyOf(conditions));
            for (String condition : conditions) {
                pool.append("  - id: c").append(id++).append("\n    stage: ").append(stage.word())
                        .append("\n    when: \"").append(condition).append("\"\n    then: permit\n");
            }
        }
        PolicyEngine compiled = PolicyEngine.compile("pool.yaml", pool.toString().getBytes(StandardCharsets.UTF_8));
        for (PolicyEngine.CompiledRule rule : compiled.compiledRules()) {
            PROGRAMS.put(key(rule.rule().stage(), rule.rule().when()), rule.condition());
        }
    }

    private static String key(Stage stage, String condition) {
        return stage + " " + condition;
    }

    /** A generated rule: its value and its YAML form. */
    private record GeneratedRule(Rule rule, String yaml) {
        String id() {
            return rule.id();
        }
    }

    /** One generated case: a policy, a request and the facts of one resource. */
    private record Case(long seed, List<GeneratedRule> rules, RequestContext context, ResourceFacts facts) {
        String policy() {
            StringBuilder text = new StringBuilder(HEADER);
            rules.forEach(rule -> text.append(rule.yaml()));
            return text.toString();
        }

        /** The policy assembled from the pool of compiled conditions. */
        PolicyEngine engine() {
            List<PolicyEngine.CompiledRule> compiled = rules.stream()
                    .map(r -> new PolicyEngine.CompiledRule(r.rule(),
                            PROGRAMS.get(key(r.rule().stage(), r.rule().when()))))
                    .toList();
            return new PolicyEngine("generated.yaml", PolicyCompiler.version(bytes()), "",
                    new LinkedHashSet<>(CLASSES), new LinkedHashSet<>(PURPOSES), new LinkedHashSet<>(BASES), compiled);
        }

        /** The same policy compiled from its YAML text. */
        PolicyEngine compiledFromText() {
            return PolicyEngine.compile("generated.yaml", bytes());
        }

        byte[] bytes() {
            return policy().getBytes(StandardCharsets.UTF_8);
        }

        Decision decide(PolicyEngine engine, Stage stage) {
            return stage == Stage.REQUEST ? engine.decideRequest(context) : engine.decideResource(context, facts);
        }

        Case with(int index, GeneratedRule rule) {
            List<GeneratedRule> changed = new ArrayList<>(rules);
            changed.add(index, rule);
            return new Case(seed, changed, context, facts);
        }
    }

    // ---- generators ----

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String atom(Random random, Stage stage) {
        int choices = stage == Stage.REQUEST ? 9 : 12;
        return switch (random.nextInt(choices)) {
            case 0 -> "requester.class == '" + pick(random, CLASSES) + "'";
            case 1 -> "purpose == '" + pick(random, PURPOSES) + "'";
            case 2 -> "purpose in ['" + pick(random, PURPOSES) + "', '" + pick(random, PURPOSES) + "']";
            case 3 -> "legalBasis == '" + pick(random, BASES) + "'";
            case 4 -> "requester.internal";
            case 5 -> "interaction == '" + pick(random, List.of("READ", "SEARCH", "PAGE")) + "'";
            case 6 -> "'" + pick(random, List.of("name", "identifier", "birthdate")) + "' in params";
            case 7 -> "caseReference != ''";
            case 8 -> "true";
            case 9 -> "resource.confidentiality in ['R', 'V']";
            case 10 -> "'" + pick(random, LABELS) + "' in resource.labels";
            default -> "resource.patientCompartment";
        };
    }

    private static String condition(Random random, Stage stage) {
        StringBuilder condition = new StringBuilder();
        int atoms = 1 + random.nextInt(3);
        for (int i = 0; i < atoms; i++) {
            if (i > 0) {
                condition.append(random.nextBoolean() ? " && " : " || ");
            }
            String atom = atom(random, stage);
            condition.append(random.nextInt(4) == 0 ? "!(" + atom + ")" : atom);
        }
        return condition.toString();
    }

    private static List<String> someLabels(Random random, int min) {
        List<String> labels = new ArrayList<>(LABELS);
        Collections.shuffle(labels, random);
        return labels.subList(0, min + random.nextInt(LABELS.size() - min + 1));
    }

    private static Set<SecurityLabel> labels(List<String> names) {
        Set<SecurityLabel> labels = new LinkedHashSet<>();
        names.forEach(name -> labels.add(SecurityLabel.parse(name)));
        return labels;
    }

    private static GeneratedRule rule(Random random, String id, Outcome then, String condition, Stage stage) {
        List<String> withhold = switch (then) {
            case REDACT -> someLabels(random, 1);
            case ESCALATE -> random.nextBoolean() ? someLabels(random, 1) : List.of();
            default -> List.of();
        };
        String obligation = then != Outcome.DENY && random.nextBoolean()
                ? pick(random, List.of("NORDSCLCD", "NOREUSE", "DELAU")) : null;
        String reason = then == Outcome.DENY ? "refused by " + id : "";
        String reviewer = then == Outcome.ESCALATE ? "caldicott-guardian" : "";

        StringBuilder yaml = new StringBuilder();
        yaml.append("  - id: ").append(id).append('\n');
        yaml.append("    stage: ").append(stage.word()).append('\n');
        yaml.append("    when: \"").append(condition).append("\"\n");
        yaml.append("    then: ").append(then.word()).append('\n');
        if (!reason.isEmpty()) {
            yaml.append("    reason: ").append(reason).append('\n');
        }
        if (!reviewer.isEmpty()) {
            yaml.append("    reviewer: ").append(reviewer).append('\n');
        }
        if (!withhold.isEmpty()) {
            yaml.append("    withhold: ").append(withhold).append('\n');
        }
        if (obligation != null) {
            yaml.append("    obligations: [").append(obligation).append("]\n");
        }
        Rule rule = new Rule(id, "", stage, condition, then, labels(withhold),
                obligation == null ? Set.of() : Set.of(new SecurityLabel(Vocabulary.ACT_CODE, obligation)), reason,
                reviewer, 0);
        return new GeneratedRule(rule, yaml.toString());
    }

    private static GeneratedRule randomRule(Random random, String id) {
        Stage stage = random.nextInt(10) < 7 ? Stage.REQUEST : Stage.RESOURCE;
        return rule(random, id, pick(random, List.of(Outcome.values())), pick(random, CONDITIONS.get(stage)), stage);
    }

    /** A permit rule; half the time it matches everything, so that it really competes with the others. */
    private static GeneratedRule randomPermit(Random random) {
        Stage stage = random.nextBoolean() ? Stage.REQUEST : Stage.RESOURCE;
        return rule(random, ADDED, Outcome.PERMIT,
                random.nextBoolean() ? "true" : pick(random, CONDITIONS.get(stage)), stage);
    }

    private static Case randomCase(long seed) {
        Random random = new Random(seed);
        List<GeneratedRule> rules = new ArrayList<>();
        int count = 1 + random.nextInt(7);
        for (int i = 0; i < count; i++) {
            rules.add(randomRule(random, "r" + i));
        }
        Requester requester = new Requester("req-" + random.nextInt(5), "Org", pick(random, CLASSES),
                random.nextInt(5) == 0);
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String name : List.of("name", "identifier", "birthdate")) {
            if (random.nextBoolean()) {
                params.put(name, List.of("v" + random.nextInt(3)));
            }
        }
        Interaction interaction = pick(random, List.of(Interaction.values()));
        RequestContext context = new RequestContext(requester,
                random.nextInt(6) == 0 ? "" : pick(random, PURPOSES),
                random.nextInt(4) == 0 ? "" : pick(random, BASES),
                random.nextBoolean() ? "CASE-1" : "", "", interaction, "Patient",
                interaction == Interaction.SEARCH ? params : Map.of());
        ResourceFacts facts = new ResourceFacts("Patient", "p" + random.nextInt(9),
                pick(random, List.of(Confidentiality.values())), labels(someLabels(random, 0)), random.nextBoolean());
        return new Case(seed, rules, context, facts);
    }

    /** {@value #CASES} cases, from consecutive seeds, that satisfy {@code wanted}. */
    private static List<Case> cases(Predicate<Case> wanted) {
        List<Case> cases = new ArrayList<>();
        for (long seed = SEED; cases.size() < CASES; seed++) {
            Case c = randomCase(seed);
            if (wanted.test(c)) {
                cases.add(c);
            }
            assertThat(seed - SEED).as("the generator finds enough cases").isLessThan(50L * CASES);
        }
        return cases;
    }

    /** The case with its permit rule added at a place chosen from its seed (the same for every property). */
    private static Case withAddedPermit(Case c) {
        Random random = new Random(c.seed() * 31 + 7);
        int index = random.nextInt(c.rules().size() + 1);
        return c.with(index, randomPermit(random));
    }

    private static Stage stageOf(Case c) {
        return c.seed() % 2 == 0 ? Stage.REQUEST : Stage.RESOURCE;
    }

    private static String name(Case c) {
        return "seed " + c.seed() + ", " + stageOf(c).word() + " stage";
    }

    // ---- properties ----

    @TestFactory
    Stream<DynamicTest> permitRule_addedAnywhere_neverTurnsADenyIntoAnythingElse() {
        return cases(c -> c.decide(c.engine(), stageOf(c)).code() == PolicyError.DENIED_BY_RULE).stream()
                .map(c -> DynamicTest.dynamicTest(name(c), () -> {
                    Stage stage = stageOf(c);
                    Case changed = withAddedPermit(c);
                    Decision before = c.decide(c.engine(), stage);
                    Decision after = changed.decide(changed.engine(), stage);

                    assertThat(after.outcome()).as("%s%n%s", changed.policy(), after).isEqualTo(Outcome.DENY);
                    assertThat(after.ruleId()).isEqualTo(before.ruleId());
                    assertThat(after.reason()).isEqualTo(before.reason());
                    assertThat(after.code()).isEqualTo(PolicyError.DENIED_BY_RULE);
                }));
    }

    @TestFactory
    Stream<DynamicTest> permitRule_addedAnywhere_changesNothingButADefaultDeny() {
        return cases(c -> true).stream().map(c -> DynamicTest.dynamicTest(name(c), () -> {
            Stage stage = stageOf(c);
            Case changed = withAddedPermit(c);
            Decision before = c.decide(c.engine(), stage);
            Decision after = changed.decide(changed.engine(), stage);

            if (before.ruleId().equals(PolicyEngine.DEFAULT_DENY)) {
                assertThat(after.ruleId()).isIn(PolicyEngine.DEFAULT_DENY, ADDED);
                return;
            }
            assertThat(after.outcome()).as("%s%n%s", changed.policy(), after).isEqualTo(before.outcome());
            assertThat(after.withheld()).isEqualTo(before.withheld());
            assertThat(after.reason()).isEqualTo(before.reason());
            assertThat(after.reviewerRole()).isEqualTo(before.reviewerRole());
            assertThat(after.obligations()).containsAll(before.obligations());
            if (before.outcome() == Outcome.PERMIT) {
                assertThat(after.ruleId()).isIn(before.ruleId(), ADDED);
            } else {
                assertThat(after.ruleId()).isEqualTo(before.ruleId());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> decisions_areDeterministic_andNameARuleAndTheVersion() {
        return cases(c -> true).stream().map(c -> DynamicTest.dynamicTest("seed " + c.seed(), () -> {
            PolicyEngine engine = c.engine();
            PolicyEngine again = c.seed() % 10 == 0 ? c.compiledFromText() : c.engine();
            List<String> ruleIds = c.rules().stream().map(GeneratedRule::id).toList();

            for (Stage stage : Stage.values()) {
                Decision first = c.decide(engine, stage);
                assertThat(c.decide(engine, stage)).isEqualTo(first);
                assertThat(c.decide(again, stage)).isEqualTo(first);
                assertThat(first.policyVersion()).isEqualTo(PolicyCompiler.version(c.bytes())).startsWith("sha256:");
                assertThat(first.stage()).isEqualTo(stage);
                assertThat(ruleIds.contains(first.ruleId()) || PolicyEngine.BUILT_IN_RULES.contains(first.ruleId()))
                        .as("%s names a rule of the policy", first.ruleId()).isTrue();
                assertThat(first.trace()).filteredOn(RuleEvaluation::matched).extracting(RuleEvaluation::ruleId)
                        .contains(first.ruleId());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> resourceDecision_isNeverLessRestrictiveThanItsRequestDecisionByARule() {
        return cases(c -> !PolicyEngine.BUILT_IN_RULES.contains(c.decide(c.engine(), Stage.REQUEST).ruleId()))
                .stream().map(c -> DynamicTest.dynamicTest("seed " + c.seed(), () -> {
                    PolicyEngine engine = c.engine();
                    Decision request = c.decide(engine, Stage.REQUEST);
                    Decision resource = c.decide(engine, Stage.RESOURCE);

                    assertThat(resource.outcome().compareTo(request.outcome())).isGreaterThanOrEqualTo(0);
                    if (resource.outcome() == request.outcome() && request.outcome() != Outcome.DENY) {
                        assertThat(resource.withheld()).containsAll(request.withheld());
                        assertThat(resource.obligations()).containsAll(request.obligations());
                    }
                }));
    }
}

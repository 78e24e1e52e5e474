package org.disclosureguard.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.redaction.RedactionSupport.EVERYTHING_LABELLED;
import static org.disclosureguard.redaction.RedactionSupport.JSON;
import static org.disclosureguard.redaction.RedactionSupport.LOCIS;
import static org.disclosureguard.redaction.RedactionSupport.TREE;
import static org.disclosureguard.redaction.RedactionSupport.labelled;
import static org.disclosureguard.redaction.RedactionSupport.leaves;
import static org.disclosureguard.redaction.RedactionSupport.withheldLabelsAt;
import static org.disclosureguard.redaction.RedactionSupport.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.testsupport.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Invariants of redaction over seeded random cases: a random fixture, sometimes nested in a searchset, a
 * collection, {@code contained} or {@code Parameters}, labelled with the default plan, under a random redaction.
 * Each case's seed is in its name; a case is reproduced from its seed alone.
 */
class RedactionPropertiesTest {

    private static final long SEED = 20170302L;
    private static final int CASES = 120;

    /** One generated case. */
    private record Case(String name, String json, Redaction redaction) {}

    @TestFactory
    Stream<DynamicTest> redaction_neverAddsData() {
        return cases(SEED, RedactionPropertiesTest::randomRedaction, allFixtures()).map(c -> test(c, () -> {
            ObjectNode input = labelled(c.json());
            ObjectNode output = input.deepCopy();
            TREE.redact(output, c.redaction());

            Map<String, Integer> before = leaves(input);
            Map<String, Integer> after = leaves(output);
            after.forEach((leaf, count) -> assertThat(before.getOrDefault(leaf, 0))
                    .as("the output holds %s %d times, the input %d times", leaf, count, before.getOrDefault(leaf, 0))
                    .isGreaterThanOrEqualTo(count));
        }));
    }

    @TestFactory
    Stream<DynamicTest> redaction_leavesNoElementCarryingAWithheldLabel() {
        return cases(SEED + 1_000, RedactionPropertiesTest::randomRedaction, allFixtures()).map(c -> test(c, () -> {
            ObjectNode input = labelled(c.json());
            boolean carried = !withheldLabelsAt(input, c.redaction(), "").isEmpty();
            ObjectNode output = input.deepCopy();
            RedactionResult result = TREE.redact(output, c.redaction());

            assertThat(withheldLabelsAt(output, c.redaction(), "")).isEmpty();
            if (carried) {
                assertThat(result.changedAnything()).as("the input carried withheld labels").isTrue();
            } else if (!c.redaction().suppressTotals()) {
                assertThat(output).as("nothing carried a withheld label").isEqualTo(input);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> treeAndModel_agree_onRandomRedactions() {
        return cases(SEED + 2_000, RedactionPropertiesTest::randomRedaction, allFixtures()).map(c -> test(c,
                () -> RedactionSupport.labelAndRedactBoth(c.json(), c.redaction())));
    }

    @TestFactory
    Stream<DynamicTest> redaction_isIdempotent() {
        return cases(SEED + 3_000, RedactionPropertiesTest::randomRedaction, allFixtures()).map(c -> test(c, () -> {
            ObjectNode tree = labelled(c.json());
            TREE.redact(tree, c.redaction());
            ObjectNode once = tree.deepCopy();

            RedactionResult again = TREE.redact(tree, c.redaction());

            assertThat(again.changedAnything()).isFalse();
            assertThat(tree).isEqualTo(once);
        }));
    }

    /**
     * Every address line and phone number of a fixture is replaced by a unique canary before labelling; with LOCIS
     * withheld (and maybe more), no canary may appear anywhere in the serialized output.
     */
    @TestFactory
    Stream<DynamicTest> canary_withLocisWithheld_noAddressLineOrPhoneNumberSurvives() {
        Map<String, String> seeded = new java.util.LinkedHashMap<>();
        RedactionSupport.fixtures().forEach((name, json) -> {
            String withCanaries = seedCanaries(json);
            if (withCanaries.contains("CANARY-")) {
                seeded.put(name, withCanaries);
            }
        });
        Function<Random, Redaction> locisAndMore = random -> {
            Set<SecurityLabel> labels = new HashSet<>(randomRedaction(random).withheld());
            labels.add(LOCIS);
            return new Redaction(labels, random.nextBoolean());
        };
        return cases(SEED + 4_000, locisAndMore, seeded).map(c -> test(c, () -> {
            ObjectNode tree = labelled(c.json());
            assertThat(write(tree)).contains("CANARY-");

            TREE.redact(tree, c.redaction());

            String bytes = new String(JSON.writeValueAsBytes(tree), StandardCharsets.UTF_8);
            assertThat(bytes).doesNotContain("CANARY-");
        }));
    }

    private static Map<String, String> allFixtures() {
        return RedactionSupport.fixtures();
    }

    private static DynamicTest test(Case c, org.junit.jupiter.api.function.Executable body) {
        return DynamicTest.dynamicTest(c.name(), body);
    }

    private static Stream<Case> cases(long base, Function<Random, Redaction> redactions, Map<String, String> fixtures) {
        List<String> names = new ArrayList<>(fixtures.keySet());
        return IntStream.range(0, CASES).mapToObj(i -> {
            long seed = base + i;
            Random random = new Random(seed);
            String fixture = names.get(random.nextInt(names.size()));
            String[] wrapping = new String[1];
            String json = wrap(fixtures.get(fixture), random, wrapping);
            Redaction redaction = redactions.apply(random);
            String name = "case " + i + " (seed " + seed + "): " + fixture + wrapping[0] + ", withholding "
                    + redaction.withheld().stream().map(SecurityLabel::code).sorted().toList()
                    + (redaction.suppressTotals() ? ", totals suppressed" : "");
            return new Case(name, json, redaction);
        });
    }

    private static Redaction randomRedaction(Random random) {
        Set<SecurityLabel> labels = new HashSet<>();
        for (SecurityLabel label : EVERYTHING_LABELLED.stream()
                .sorted(java.util.Comparator.comparing(SecurityLabel::toString)).toList()) {
            if (random.nextInt(100) < 35) {
                labels.add(label);
            }
        }
        return new Redaction(labels, random.nextInt(10) < 3);
    }

    /** Nests the fixture somewhere resources nest, or not. */
    private static String wrap(String json, Random random, String[] description) {
        try {
            ObjectNode resource = (ObjectNode) JSON.readTree(json);
            boolean bundle = resource.path("resourceType").asText().equals("Bundle");
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (!bundle) {
                        description[0] = " in a searchset";
                        return SharedData.searchset(List.of(json), "http://upstream.test/fhir");
                    }
                }
                case 1 -> {
                    if (!bundle) {
                        description[0] = " contained in an Encounter";
                        resource.put("id", "inner");
                        ObjectNode encounter = JSON.createObjectNode();
                        encounter.put("resourceType", "Encounter").put("id", "e1").put("status", "finished");
                        encounter.putObject("class").put("code", "AMB");
                        encounter.putArray("contained").add(resource);
                        encounter.putObject("subject").put("reference", "#inner");
                        return write(encounter);
                    }
                }
                case 2 -> {
                    description[0] = " in Parameters";
                    ObjectNode parameters = JSON.createObjectNode().put("resourceType", "Parameters");
                    ObjectNode parameter = parameters.putArray("parameter").addObject().put("name", "result");
                    parameter.putArray("part").addObject().put("name", "resource").set("resource", resource);
                    return write(parameters);
                }
                case 3 -> {
                    description[0] = " in a collection";
                    ObjectNode collection = JSON.createObjectNode().put("resourceType", "Bundle")
                            .put("type", "collection");
                    collection.putArray("entry").addObject().set("resource", resource);
                    return write(collection);
                }
                default -> {
                }
            }
            description[0] = "";
            return json;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces every address line and phone number with a unique {@code CANARY-n}. */
    private static String seedCanaries(String json) {
        try {
            JsonNode tree = JSON.readTree(json);
            seed(tree, new int[1]);
            return write(tree);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void seed(JsonNode node, int[] next) {
        if (node instanceof ObjectNode object) {
            if (object.get("line") instanceof ArrayNode lines) {
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).isTextual()) {
                        lines.set(i, JSON.getNodeFactory().textNode("CANARY-" + next[0]++));
                    }
                }
            }
            if ("phone".equals(object.path("system").asText()) && object.path("value").isTextual()) {
                object.put("value", "CANARY-" + next[0]++);
            }
            object.elements().forEachRemaining(child -> seed(child, next));
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(child -> seed(child, next));
        }
    }
}

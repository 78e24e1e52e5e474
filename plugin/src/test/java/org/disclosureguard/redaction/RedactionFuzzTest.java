package org.disclosureguard.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.redaction.RedactionSupport.EVERYTHING_LABELLED;
import static org.disclosureguard.redaction.RedactionSupport.PLAN;
import static org.disclosureguard.redaction.RedactionSupport.TREE;
import static org.disclosureguard.redaction.RedactionSupport.leaves;
import static org.disclosureguard.redaction.RedactionSupport.withheldLabelsAt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.disclosureguard.gateway.FhirJson;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.labels.Vocabulary;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the redaction walker ({@link TreeRedactor}) with the canary oracle on arbitrary FHIR JSON: the input is
 * read as the gateway reads an upstream answer ({@link FhirJson}), labelled with the default plan
 * ({@link TreeLabeller}), and then every string inside an element that carries a withheld inline label is replaced
 * by a unique canary. After redaction no canary may be left anywhere in the serialized bytes; the output must be
 * valid JSON; it may hold no leaf the input did not; no withheld label may be left; a second redaction must change
 * nothing; and bad input may fail only with the documented {@link IllegalArgumentException}.
 *
 * <p>Input layout: two bytes choose the withheld labels (bit {@code i} is the {@code i}-th of the default plan's
 * labels in code order), the third byte's low bit suppresses totals, the rest is the JSON. Seeds in
 * {@code RedactionFuzzTestInputs/} are real fixtures with such a header; see {@code docs/security-testing.md}.
 */
class RedactionFuzzTest {

    private static final FhirJson JSON = new FhirJson();
    private static final TreeLabeller LABELLER = new TreeLabeller(PLAN);
    private static final List<SecurityLabel> LABELS = EVERYTHING_LABELLED.stream()
            .sorted(Comparator.comparing(SecurityLabel::code)).toList();
    private static final String CANARY = "Qx7CANARY";

    @FuzzTest(maxDuration = "5m")
    void redaction_leaksNoCanary(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int mask = (input[0] & 0xff) | (input[1] & 0xff) << 8;
        Set<SecurityLabel> withheld = new HashSet<>();
        for (int i = 0; i < LABELS.size() && i < 16; i++) {
            if ((mask & (1 << i)) != 0) {
                withheld.add(LABELS.get(i));
            }
        }
        Redaction redaction = new Redaction(withheld, (input[2] & 1) != 0);
        byte[] json = Arrays.copyOfRange(input, 3, input.length);
        if (new String(json, StandardCharsets.UTF_8).contains(CANARY)) {
            return;
        }
        ObjectNode tree;
        try {
            tree = JSON.readResource(json);
        } catch (IOException notFhirJson) {
            return;
        }
        try {
            LABELLER.label(tree);
        } catch (IllegalArgumentException refused) {
            return;
        }
        int planted = plant(tree, redaction, new int[1]);
        ObjectNode before = tree.deepCopy();

        RedactionResult result;
        try {
            result = TREE.redact(tree, redaction);
        } catch (IllegalArgumentException refused) {
            return;
        }

        byte[] out = JSON.write(tree);
        assertThat(new String(out, StandardCharsets.UTF_8)).as("canaries after redaction").doesNotContain(CANARY);
        ObjectNode reread;
        try {
            reread = JSON.readResource(out);
        } catch (IOException e) {
            throw new AssertionError("the redacted output is not valid FHIR JSON: " + e.getMessage(), e);
        }
        assertThat(reread).isEqualTo(tree);
        Map<String, Integer> inputLeaves = leaves(before);
        leaves(tree).forEach((leaf, count) -> assertThat(inputLeaves.getOrDefault(leaf, 0))
                .as("the output holds %s %d times", leaf, count).isGreaterThanOrEqualTo(count));
        assertThat(withheldLabelsAt(tree, redaction, "")).as("withheld labels left").isEmpty();
        if (planted > 0) {
            assertThat(result.changedAnything()).as("%d canaries were planted", planted).isTrue();
        }
        ObjectNode once = tree.deepCopy();
        assertThat(TREE.redact(tree, redaction).changedAnything()).as("a second redaction").isFalse();
        assertThat(tree).isEqualTo(once);
    }

    /** A JSON key naming a choice element itself ({@code deceased[x]}) is an unknown element, not a HAPI failure. */
    @Test
    void aKeyNamingAChoiceItself_isRedactedAsAnUnknownElement() {
        ObjectNode patient = RedactionSupport.json("{'resourceType':'Patient','id':'p1','deceased[x]':{'extension':["
                + RedactionSupport.label(RedactionSupport.LOCIS) + "],'text':'" + CANARY + "'}}");

        RedactionResult result = TREE.redact(patient, Redaction.withholding(RedactionSupport.LOCIS));

        assertThat(result.changedAnything()).isTrue();
        assertThat(RedactionSupport.write(patient)).doesNotContain(CANARY);
    }

    /**
     * Replaces every string inside an element carrying a withheld inline label (a complex element in its own
     * {@code extension}, a primitive in its {@code _name} sibling, by index for repeating primitives) with a
     * unique canary, leaving the labels themselves alone. Returns how many were planted.
     */
    private static int plant(JsonNode node, Redaction redaction, int[] next) {
        int planted = 0;
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(iterable(object))) {
                JsonNode value = object.get(name);
                if (name.startsWith("_")) {
                    if (carries(value, redaction)) {
                        planted += fill(value, next);
                    } else if (value instanceof ArrayNode holders) {
                        for (JsonNode holder : holders) {
                            planted += carries(holder, redaction) ? fill(holder, next) : plant(holder, redaction, next);
                        }
                    } else {
                        planted += plant(value, redaction, next);
                    }
                    continue;
                }
                JsonNode holder = object.get("_" + name);
                if (value.isTextual() && carries(holder, redaction)) {
                    object.set(name, canary(next));
                    planted++;
                } else if (value instanceof ArrayNode items) {
                    for (int i = 0; i < items.size(); i++) {
                        JsonNode item = items.get(i);
                        JsonNode itemHolder = holder instanceof ArrayNode holders && i < holders.size()
                                ? holders.get(i) : null;
                        if (item.isTextual() && carries(itemHolder, redaction)) {
                            items.set(i, canary(next));
                            planted++;
                        } else if (carries(item, redaction)) {
                            planted += fill(item, next);
                        } else {
                            planted += plant(item, redaction, next);
                        }
                    }
                } else if (carries(value, redaction)) {
                    planted += fill(value, next);
                } else {
                    planted += plant(value, redaction, next);
                }
            }
        }
        return planted;
    }

    /** Replaces every string below the node with a canary, except inside inline label extensions. */
    private static int fill(JsonNode node, int[] next) {
        int planted = 0;
        if (node instanceof ObjectNode object) {
            if (isInlineLabel(object)) {
                return 0;
            }
            for (String name : List.copyOf(iterable(object))) {
                JsonNode value = object.get(name);
                if (value.isTextual()) {
                    object.set(name, canary(next));
                    planted++;
                } else {
                    planted += fill(value, next);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, canary(next));
                    planted++;
                } else {
                    planted += fill(array.get(i), next);
                }
            }
        }
        return planted;
    }

    /** Whether an element (or a primitive's {@code _name}) carries a withheld inline label in its extensions. */
    private static boolean carries(JsonNode node, Redaction redaction) {
        if (!(node instanceof ObjectNode object) || !(object.get("extension") instanceof ArrayNode extensions)) {
            return false;
        }
        for (JsonNode extension : extensions) {
            if (extension instanceof ObjectNode label && isInlineLabel(label)) {
                JsonNode coding = label.path("valueCoding");
                if (redaction.match(coding.path("system").asText(null), coding.path("code").asText(null)) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isInlineLabel(ObjectNode object) {
        return Vocabulary.INLINE_LABEL_EXTENSION.equals(object.path("url").asText(null));
    }

    private static TextNode canary(int[] next) {
        return TextNode.valueOf(CANARY + "-" + next[0]++);
    }

    private static List<String> iterable(ObjectNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

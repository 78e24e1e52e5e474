package org.disclosureguard.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.LabelPlan;
import org.disclosureguard.labels.LabelRule;
import org.disclosureguard.labels.ModelLabeller;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.testsupport.Fixtures;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the redaction tests share: the FHIR context, the default plan, the fixtures, the agreement check, and the
 * oracles of the property and fuzz tests (leaf counts, withheld labels left behind).
 */
final class RedactionSupport {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final ObjectMapper JSON = new ObjectMapper();
    static final LabelPlan PLAN = LabelConfiguration.defaults(FHIR);
    static final TreeRedactor TREE = new TreeRedactor(FHIR);
    static final ModelRedactor MODEL = new ModelRedactor(FHIR);

    static final SecurityLabel DEMO = SecurityLabel.parse("DEMO");
    static final SecurityLabel DOB = SecurityLabel.parse("DOB");
    static final SecurityLabel LOCIS = SecurityLabel.parse("LOCIS");
    static final SecurityLabel IDS = SecurityLabel.parse("IDS");
    static final SecurityLabel NATIONALITY = SecurityLabel.parse("NATIONALITY");
    static final SecurityLabel LANGUAGE = SecurityLabel.parse("LANGUAGE");

    /** Every label the default plan puts on elements. */
    static final Set<SecurityLabel> EVERYTHING_LABELLED = everythingLabelled();

    private RedactionSupport() {}

    /** Fixture name to FHIR JSON, built once (the synthetic patients are generated). */
    static Map<String, String> fixtures() {
        return FixtureHolder.FIXTURES;
    }

    private static final class FixtureHolder {
        static final Map<String, String> FIXTURES = Fixtures.all(FHIR);
    }

    private static Set<SecurityLabel> everythingLabelled() {
        Set<SecurityLabel> labels = new LinkedHashSet<>();
        for (LabelRule rule : PLAN.rules()) {
            labels.addAll(rule.labels());
        }
        return Set.copyOf(labels);
    }

    /** JSON written with single quotes, for readable test data. */
    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An inline label extension, as JSON text with single quotes. */
    static String label(SecurityLabel label) {
        return "{'url':'" + Vocabulary.INLINE_LABEL_EXTENSION + "','valueCoding':{'system':'" + label.system()
                + "','code':'" + label.code() + "'}}";
    }

    static ObjectNode labelled(String json) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(json);
            new TreeLabeller(PLAN).label(tree);
            return tree;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Redacts already-labelled JSON with the tree redactor, and the same JSON parsed into HAPI's model with the
     * model redactor; asserts both give equal resources and equal results; returns the tree's.
     */
    static Redacted redactBoth(ObjectNode labelledInput, Redaction redaction) {
        IParser parser = FHIR.newJsonParser();
        Resource model = (Resource) parser.parseResource(write(labelledInput));
        ObjectNode tree = labelledInput.deepCopy();
        RedactionResult treeResult = TREE.redact(tree, redaction);
        RedactionResult modelResult = MODEL.redact(model, redaction);
        assertAgree(tree, treeResult, model, modelResult);
        return new Redacted(tree, treeResult);
    }

    /** Labels unlabelled JSON with each labeller and redacts it with each redactor; asserts agreement. */
    static Redacted labelAndRedactBoth(String json, Redaction redaction) {
        IParser parser = FHIR.newJsonParser();
        ObjectNode tree = labelled(json);
        RedactionResult treeResult = TREE.redact(tree, redaction);
        Resource model = (Resource) parser.parseResource(json);
        new ModelLabeller(FHIR, PLAN).label(model);
        RedactionResult modelResult = MODEL.redact(model, redaction);
        assertAgree(tree, treeResult, model, modelResult);
        return new Redacted(tree, treeResult);
    }

    private static void assertAgree(ObjectNode tree, RedactionResult treeResult, Resource model,
            RedactionResult modelResult) {
        IParser parser = FHIR.newJsonParser();
        Resource fromTree = (Resource) parser.parseResource(write(tree));
        assertThat(fromTree.equalsDeep(model))
                .as("tree redaction differs from model redaction:%ntree:  %s%nmodel: %s",
                        parser.encodeResourceToString(fromTree), parser.encodeResourceToString(model))
                .isTrue();
        assertThat(treeResult.resourcesRedacted()).as("resources redacted").isEqualTo(modelResult.resourcesRedacted());
        assertThat(treeResult.elementsRemoved()).as("elements removed").isEqualTo(modelResult.elementsRemoved());
        assertThat(treeResult.elementsMasked()).as("elements masked").isEqualTo(modelResult.elementsMasked());
        assertThat(sorted(treeResult.withheld())).as("withheld elements").isEqualTo(sorted(modelResult.withheld()));
    }

    /** Withheld elements in a canonical order: the two redactors meet elements in different orders. */
    static List<WithheldElement> sorted(List<WithheldElement> withheld) {
        List<WithheldElement> copy = new ArrayList<>(withheld);
        copy.sort(Comparator.comparing(WithheldElement::toString));
        return copy;
    }

    /** A tree after redaction and what the redactor said it did. */
    record Redacted(ObjectNode tree, RedactionResult result) {

        List<String> paths() {
            return result.withheld().stream().map(WithheldElement::path).toList();
        }

        WithheldElement at(String path) {
            return result.withheld().stream().filter(w -> w.path().equals(path)).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing withheld at " + path + ": " + result.withheld()));
        }
    }

    /** Whether a resource's meta.security holds the REDACTED tag, and how often. */
    static int redactedTags(JsonNode resource) {
        int count = 0;
        for (JsonNode coding : resource.path("meta").path("security")) {
            if (Vocabulary.OBSERVATION_VALUE.equals(coding.path("system").asText())
                    && Redaction.REDACTED.equals(coding.path("code").asText())) {
                count++;
            }
        }
        return count;
    }

    /** Every string, number and boolean leaf with its count, leaving out the REDACTED tag and the masks. */
    static Map<String, Integer> leaves(JsonNode node) {
        Map<String, Integer> leaves = new HashMap<>();
        collectLeaves(node, leaves);
        return leaves;
    }

    static void collectLeaves(JsonNode node, Map<String, Integer> leaves) {
        if (node instanceof ObjectNode object) {
            if (isRedactedTag(object) || isMask(object)) {
                return;
            }
            object.elements().forEachRemaining(child -> collectLeaves(child, leaves));
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(child -> collectLeaves(child, leaves));
        } else if (!node.isNull()) {
            leaves.merge(node.getNodeType() + ":" + node.asText(), 1, Integer::sum);
        }
    }

    static boolean isRedactedTag(ObjectNode object) {
        return Vocabulary.OBSERVATION_VALUE.equals(object.path("system").asText())
                && Redaction.REDACTED.equals(object.path("code").asText());
    }

    static boolean isMask(ObjectNode object) {
        return Redaction.DATA_ABSENT_REASON.equals(object.path("url").asText())
                && Redaction.MASKED.equals(object.path("valueCode").asText());
    }

    /** Where an inline label the redaction withholds is still found. */
    static List<String> withheldLabelsAt(JsonNode node, Redaction redaction, String at) {
        List<String> found = new ArrayList<>();
        if (node instanceof ObjectNode object) {
            if (Vocabulary.INLINE_LABEL_EXTENSION.equals(object.path("url").asText())) {
                JsonNode coding = object.path("valueCoding");
                if (redaction.match(coding.path("system").asText(null), coding.path("code").asText(null)) != null) {
                    found.add(at);
                }
            }
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                found.addAll(withheldLabelsAt(field.getValue(), redaction, at + "/" + field.getKey()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                found.addAll(withheldLabelsAt(array.get(i), redaction, at + "/" + i));
            }
        }
        return found;
    }
}

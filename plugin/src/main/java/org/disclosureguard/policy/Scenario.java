package org.disclosureguard.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.config.YamlNode;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;

/**
 * One policy scenario: a request (and optionally the facts of the resource the practice server would return) with
 * the decision expected for it. Read from a YAML file whose format is described in {@code docs/policy.md} and in
 * {@code test-fixtures/policy-scenarios/README.md}. An immutable value.
 *
 * @param name the scenario's name (its file name without extension), never blank
 * @param description what the scenario is about, never {@code null} (may be empty)
 * @param context the request, never {@code null}
 * @param resource the resource facts, or {@code null} when the scenario is decided at the request stage only
 * @param expect what is expected, or {@code null} when the file states no expectation (explain only)
 */
public record Scenario(String name, String description, RequestContext context, ResourceFacts resource,
        Expectation expect) {

    public Scenario {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a scenario needs a name");
        }
        description = description == null ? "" : description;
        Objects.requireNonNull(context, "context");
    }

    /**
     * What a scenario expects. Fields other than {@code outcome} and {@code rule} are checked only when given.
     *
     * @param outcome the expected outcome, never {@code null}
     * @param rule the expected deciding rule, never blank
     * @param stage the stage expected to decide, or {@code null} (not checked)
     * @param withheld the exact set of labels expected withheld, or {@code null} (not checked)
     * @param released the exact set of labels expected released, or {@code null} (not checked)
     * @param obligations the exact set of obligations expected, or {@code null} (not checked)
     */
    public record Expectation(Outcome outcome, String rule, Stage stage, Set<SecurityLabel> withheld,
            Set<SecurityLabel> released, Set<SecurityLabel> obligations) {
        public Expectation {
            Objects.requireNonNull(outcome, "outcome");
            if (rule == null || rule.isBlank()) {
                throw new IllegalArgumentException("an expectation needs a rule");
            }
            withheld = withheld == null ? null : Set.copyOf(withheld);
            released = released == null ? null : Set.copyOf(released);
            obligations = obligations == null ? null : Set.copyOf(obligations);
        }
    }

    private static final Set<String> TOP_KEYS = Set.of("description", "requester", "purpose", "legalBasis",
            "caseReference", "requestingOfficer", "request", "resource", "expect");
    private static final Set<String> REQUESTER_KEYS = Set.of("id", "organisation", "class", "internal");
    private static final Set<String> REQUEST_KEYS = Set.of("interaction", "resourceType", "params");
    private static final Set<String> RESOURCE_KEYS = Set.of("type", "id", "confidentiality", "labels",
            "patientCompartment");
    private static final Set<String> EXPECT_KEYS = Set.of("outcome", "rule", "stage", "withheld", "released",
            "obligations");

    /**
     * Reads a scenario file.
     *
     * @throws ConfigException (DG-2301) naming the line if the file is not a valid scenario
     */
    public static Scenario load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0,
                    PolicyError.SCENARIO_INVALID.format("cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return parse(dot > 0 ? fileName.substring(0, dot) : fileName, file.toString(), text);
    }

    /**
     * Reads scenario text.
     *
     * @param name the scenario's name
     * @param source a name for the text used in error messages
     * @throws ConfigException (DG-2301) naming the line if the text is not a valid scenario
     */
    public static Scenario parse(String name, String source, String yamlText) {
        try {
            return read(name, YamlNode.parse(source, yamlText));
        } catch (ConfigException e) {
            String prefix = e.source() + (e.line() > 0 ? ":" + e.line() : "") + ": ";
            String message = e.getMessage();
            String problem = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
            throw new ConfigException(e.source(), e.line(), PolicyError.SCENARIO_INVALID.format(problem));
        }
    }

    private static Scenario read(String name, YamlNode root) {
        root.requireOnlyKeys(TOP_KEYS);
        YamlNode requesterNode = root.require("requester");
        requesterNode.requireOnlyKeys(REQUESTER_KEYS);
        Requester requester = new Requester(
                requesterNode.get("id") == null ? "scenario-requester" : requesterNode.get("id").text(),
                optionalText(requesterNode, "organisation"),
                requesterNode.require("class").text(),
                requesterNode.get("internal") != null && bool(requesterNode.get("internal")));

        YamlNode requestNode = root.require("request");
        requestNode.requireOnlyKeys(REQUEST_KEYS);
        Interaction interaction = word(requestNode.require("interaction"), Interaction.class);
        Map<String, List<String>> params = new LinkedHashMap<>();
        YamlNode paramsNode = requestNode.get("params");
        if (paramsNode != null) {
            paramsNode.entries().forEach((param, values) ->
                    params.put(param, valuesOf(values)));
        }
        RequestContext context = new RequestContext(requester, optionalText(root, "purpose"),
                optionalText(root, "legalBasis"), optionalText(root, "caseReference"),
                optionalText(root, "requestingOfficer"), interaction, optionalText(requestNode, "resourceType"),
                params);

        ResourceFacts facts = null;
        YamlNode resourceNode = root.get("resource");
        if (resourceNode != null) {
            resourceNode.requireOnlyKeys(RESOURCE_KEYS);
            YamlNode confidentialityNode = resourceNode.get("confidentiality");
            Confidentiality confidentiality = Confidentiality.N;
            if (confidentialityNode != null) {
                confidentiality = Confidentiality.fromCodeOrNull(confidentialityNode.text());
                if (confidentiality == null) {
                    throw confidentialityNode.error("unknown confidentiality '" + confidentialityNode.text()
                            + "' (expected U, L, M, N, R or V)");
                }
            }
            facts = new ResourceFacts(resourceNode.require("type").text(), optionalText(resourceNode, "id"),
                    confidentiality,
                    resourceNode.get("labels") == null ? Set.of() : labels(resourceNode.get("labels"), false),
                    resourceNode.get("patientCompartment") == null || bool(resourceNode.get("patientCompartment")));
        }

        Expectation expectation = null;
        YamlNode expectNode = root.get("expect");
        if (expectNode != null) {
            expectNode.requireOnlyKeys(EXPECT_KEYS);
            expectation = new Expectation(word(expectNode.require("outcome"), Outcome.class),
                    expectNode.require("rule").text(),
                    expectNode.get("stage") == null ? null : word(expectNode.get("stage"), Stage.class),
                    expectNode.get("withheld") == null ? null : labels(expectNode.get("withheld"), false),
                    expectNode.get("released") == null ? null : labels(expectNode.get("released"), false),
                    expectNode.get("obligations") == null ? null : labels(expectNode.get("obligations"), true));
        }
        return new Scenario(name, optionalText(root, "description"), context, facts, expectation);
    }

    private static List<String> valuesOf(YamlNode node) {
        try {
            return List.of(node.text());
        } catch (ConfigException notScalar) {
            return node.items().stream().map(YamlNode::text).toList();
        }
    }

    private static String optionalText(YamlNode node, String key) {
        YamlNode value = node.get(key);
        return value == null ? "" : value.text();
    }

    private static boolean bool(YamlNode node) {
        return switch (node.text()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw node.error("expected true or false, found '" + node.text() + "'");
        };
    }

    private static <E extends Enum<E>> E word(YamlNode node, Class<E> type) {
        String text = node.text();
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> words = java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
            throw node.error("unknown value '" + text + "' (expected one of " + words + ")");
        }
    }

    private static Set<SecurityLabel> labels(YamlNode node, boolean obligations) {
        Set<SecurityLabel> labels = new LinkedHashSet<>();
        for (YamlNode item : node.items()) {
            String token = item.text();
            SecurityLabel label = obligations && PolicyCompiler.OBLIGATION_NAMES.contains(token)
                    ? new SecurityLabel(Vocabulary.ACT_CODE, token) : SecurityLabel.parse(token);
            if (label == null) {
                throw item.error("unknown label '" + token + "'");
            }
            labels.add(label);
        }
        return labels;
    }
}

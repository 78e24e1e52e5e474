package org.disclosureguard.labels;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.config.YamlNode;

/**
 * Reads a label configuration file and compiles it against FHIR R4's element definitions into a
 * {@link LabelPlan}. The file format is described in {@code docs/labels.md}; the product's defaults are the
 * classpath resource {@value #DEFAULT_RESOURCE}. Every problem is reported as a {@link ConfigException} naming
 * the line. Stateless; all methods are thread-safe.
 */
public final class LabelConfiguration {

    /** The classpath resource holding the default labels shipped with the guard. */
    public static final String DEFAULT_RESOURCE = "org/disclosureguard/labels/default-labels.yaml";

    private static final Set<String> TOP_KEYS = Set.of("version", "baselineConfidentiality", "rules");
    private static final Set<String> RULE_KEYS = Set.of("id", "path", "type", "in", "labels", "confidentiality",
            "description");
    private static final int MAX_TYPE_DEPTH = 4;

    private LabelConfiguration() {}

    /** Compiles the product's default label configuration. */
    public static LabelPlan defaults(FhirContext fhir) {
        try (InputStream in = LabelConfiguration.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ConfigException(DEFAULT_RESOURCE, 0, "the default label configuration is missing");
            }
            return compile(fhir, DEFAULT_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(DEFAULT_RESOURCE, 0, "cannot be read: " + e.getMessage());
        }
    }

    /** Compiles a label configuration file. */
    public static LabelPlan load(FhirContext fhir, Path file) {
        try {
            return compile(fhir, file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot be read: " + e.getMessage());
        }
    }

    /**
     * Compiles label configuration text.
     *
     * @param source a name for the text used in error messages
     */
    public static LabelPlan compile(FhirContext fhir, String source, String yamlText) {
        YamlNode root = YamlNode.parse(source, yamlText);
        root.requireOnlyKeys(TOP_KEYS);
        YamlNode version = root.require("version");
        if (version.integer() != 1) {
            throw version.error("unsupported version " + version.text() + " (this guard reads version 1)");
        }
        Confidentiality baseline = Confidentiality.N;
        YamlNode baselineNode = root.get("baselineConfidentiality");
        if (baselineNode != null) {
            baseline = confidentiality(baselineNode);
        }
        Compiler compiler = new Compiler(fhir);
        Set<String> ids = new HashSet<>();
        for (YamlNode rule : root.require("rules").items()) {
            rule.requireOnlyKeys(RULE_KEYS);
            YamlNode idNode = rule.require("id");
            String id = idNode.text();
            if (!ids.add(id)) {
                throw idNode.error("duplicate rule id '" + id + "'");
            }
            List<SecurityLabel> labels = new ArrayList<>();
            YamlNode labelsNode = rule.require("labels");
            for (YamlNode token : labelsNode.items()) {
                SecurityLabel label = SecurityLabel.parse(token.text());
                if (label == null) {
                    throw token.error("unknown label '" + token.text() + "': use one of "
                            + new java.util.TreeSet<>(SecurityLabel.aliases()) + " or system#code");
                }
                labels.add(label);
            }
            if (labels.isEmpty()) {
                throw labelsNode.error("a rule needs at least one label");
            }
            Confidentiality confidentiality = null;
            if (rule.get("confidentiality") != null) {
                confidentiality = confidentiality(rule.get("confidentiality"));
                labels.add(SecurityLabel.confidentiality(confidentiality));
            }
            YamlNode path = rule.get("path");
            YamlNode type = rule.get("type");
            if ((path == null) == (type == null)) {
                throw rule.error("rule '" + id + "' needs exactly one of 'path' or 'type'");
            }
            if (path != null) {
                if (rule.get("in") != null) {
                    throw rule.get("in").error("'in' goes with 'type', not with 'path'");
                }
                compiler.addPath(id, path, labels, confidentiality, rule.line());
            } else {
                compiler.addType(id, type, rule.require("in"), labels, confidentiality, rule.line());
            }
        }
        return new LabelPlan(compiler.roots, compiler.rules, baseline, source);
    }

    private static Confidentiality confidentiality(YamlNode node) {
        Confidentiality c = Confidentiality.fromCodeOrNull(node.text());
        if (c == null) {
            throw node.error("unknown confidentiality '" + node.text() + "' (use U, L, M, N, R or V)");
        }
        return c;
    }

    /** Resolves paths against HAPI's R4 definitions and grows the plan tree. */
    private static final class Compiler {
        private final FhirContext fhir;
        private final Map<String, LabelPlan.Node> roots = new LinkedHashMap<>();
        private final List<LabelRule> rules = new ArrayList<>();

        Compiler(FhirContext fhir) {
            this.fhir = fhir;
        }

        void addPath(String id, YamlNode pathNode, List<SecurityLabel> labels, Confidentiality conf, int line) {
            ElementPath path;
            try {
                path = ElementPath.parse(pathNode.text());
            } catch (IllegalArgumentException e) {
                throw pathNode.error("rule '" + id + "': " + e.getMessage());
            }
            RuntimeResourceDefinition def = resourceDefinition(pathNode, path.resourceType());
            LabelPlan.Node node = roots.computeIfAbsent(path.resourceType(), t -> new LabelPlan.Node());
            BaseRuntimeElementDefinition<?> current = def;
            boolean inExtension = false;
            for (ElementPath.Step step : path.steps()) {
                switch (step.kind()) {
                    case CHILD -> {
                        if (inExtension) {
                            throw pathNode.error("rule '" + id + "': after an extension step only further "
                                    + "extension('url') steps are allowed");
                        }
                        if (!(current instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                            throw pathNode.error("rule '" + id + "': '" + step.value() + "' cannot follow a "
                                    + "primitive element");
                        }
                        BaseRuntimeChildDefinition child = childByName(composite, step.value());
                        if (child == null || isResourceChild(child)) {
                            throw pathNode.error("rule '" + id + "': " + current.getName() + " has no element '"
                                    + step.value() + "'");
                        }
                        LabelPlan.Node next = null;
                        for (String jsonName : jsonNames(child)) {
                            LabelPlan.Node existing = node.children.get(jsonName);
                            next = next == null ? (existing != null ? existing : new LabelPlan.Node()) : next;
                            node.children.putIfAbsent(jsonName, next);
                        }
                        node = next;
                        current = child instanceof RuntimeChildChoiceDefinition
                                ? null
                                : child.getChildByName(child.getElementName());
                    }
                    case EXTENSION, MODIFIER_EXTENSION -> {
                        Map<String, LabelPlan.Node> map =
                                step.kind() == ElementPath.Kind.EXTENSION ? node.extensions : node.modifierExtensions;
                        node = map.computeIfAbsent(step.value(), u -> new LabelPlan.Node());
                        node.extension = true;
                        inExtension = true;
                    }
                }
            }
            node.labelSet.addAll(labels);
            if (conf != null) {
                node.confidentiality = conf.max(node.confidentiality);
            }
            rules.add(new LabelRule(id, path, labels, conf, line));
        }

        void addType(String id, YamlNode typeNode, YamlNode inNode, List<SecurityLabel> labels,
                Confidentiality conf, int line) {
            String type = typeNode.text();
            if (fhir.getElementDefinition(type) == null) {
                throw typeNode.error("rule '" + id + "': '" + type + "' is not a FHIR R4 datatype");
            }
            List<YamlNode> resourceTypes = inNode.items();
            if (resourceTypes.isEmpty()) {
                throw inNode.error("rule '" + id + "': 'in' lists the resource types to search for " + type);
            }
            for (YamlNode resourceType : resourceTypes) {
                RuntimeResourceDefinition def = resourceDefinition(resourceType, resourceType.text());
                List<ElementPath> found = new ArrayList<>();
                findType(def, type, null, def.getName(), 0, found);
                if (found.isEmpty()) {
                    throw resourceType.error("rule '" + id + "': " + def.getName() + " has no element of type " + type);
                }
                for (ElementPath path : found) {
                    YamlNode synthetic = YamlNode.parse(typeNode.source(), "'" + path.toFhirPath() + "'");
                    try {
                        addPath(id, synthetic, labels, conf, line);
                    } catch (ConfigException e) {
                        throw typeNode.error(e.getMessage());
                    }
                }
            }
        }

        private void findType(BaseRuntimeElementCompositeDefinition<?> def, String type, ElementPath prefix,
                String resourceType, int depth, List<ElementPath> found) {
            if (depth >= MAX_TYPE_DEPTH) {
                return;
            }
            for (BaseRuntimeChildDefinition child : def.getChildren()) {
                String name = child.getElementName();
                if (child instanceof RuntimeChildChoiceDefinition || isResourceChild(child)
                        || name.equals("extension") || name.equals("modifierExtension") || name.equals("contained")
                        || name.equals("meta")) {
                    continue;
                }
                BaseRuntimeElementDefinition<?> childDef = child.getChildByName(name);
                if (childDef == null) {
                    continue;
                }
                ElementPath.Step step = new ElementPath.Step(ElementPath.Kind.CHILD, name);
                ElementPath path = prefix == null ? new ElementPath(resourceType, List.of(step)) : prefix.child(step);
                if (childDef.getName().equals(type)) {
                    found.add(path);
                } else if (childDef instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
                    findType(composite, type, path, resourceType, depth + 1, found);
                }
            }
        }

        private RuntimeResourceDefinition resourceDefinition(YamlNode at, String resourceType) {
            try {
                return fhir.getResourceDefinition(resourceType);
            } catch (RuntimeException e) {
                throw at.error("'" + resourceType + "' is not a FHIR R4 resource type");
            }
        }

        private static BaseRuntimeChildDefinition childByName(BaseRuntimeElementCompositeDefinition<?> def,
                String name) {
            BaseRuntimeChildDefinition child = def.getChildByName(name);
            return child != null ? child : def.getChildByName(name + "[x]");
        }

        private static boolean isResourceChild(BaseRuntimeChildDefinition child) {
            return child instanceof ca.uhn.fhir.context.RuntimeChildContainedResources
                    || child instanceof ca.uhn.fhir.context.RuntimeChildDirectResource;
        }

        private static Set<String> jsonNames(BaseRuntimeChildDefinition child) {
            return child.getValidChildNames();
        }
    }
}

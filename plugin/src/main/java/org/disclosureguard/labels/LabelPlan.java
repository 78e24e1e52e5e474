package org.disclosureguard.labels;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled label configuration: for each labelled resource type, a tree of the JSON property names and
 * extension URLs that lead to labelled elements, plus the flat list of rules for the reference labeller.
 * Immutable after construction and safe to share between threads. Build one with
 * {@link LabelConfiguration#compile}.
 */
public final class LabelPlan {

    private final Map<String, Node> roots;
    private final List<LabelRule> rules;
    private final Confidentiality baseline;
    private final String source;

    LabelPlan(Map<String, Node> roots, List<LabelRule> rules, Confidentiality baseline, String source) {
        this.roots = Map.copyOf(roots);
        this.rules = List.copyOf(rules);
        this.baseline = baseline;
        this.source = source;
        roots.values().forEach(Node::freeze);
    }

    /** The plan root for a resource type, or {@code null} when the type is not labelled. */
    Node root(String resourceType) {
        return roots.get(resourceType);
    }

    /** The resource types this plan labels. */
    public Set<String> labelledResourceTypes() {
        return roots.keySet();
    }

    /** The compiled rules, in configuration order. */
    public List<LabelRule> rules() {
        return rules;
    }

    /** The confidentiality every labelled resource carries at least. */
    public Confidentiality baseline() {
        return baseline;
    }

    /** Where the configuration came from (a file path or a classpath resource). */
    public String source() {
        return source;
    }

    /**
     * One node of the plan tree: an element position reached by a JSON property name or an extension URL.
     * Package-private: only the labellers walk it.
     */
    static final class Node {
        Map<String, Node> children = new LinkedHashMap<>();
        Map<String, Node> extensions = new LinkedHashMap<>();
        Map<String, Node> modifierExtensions = new LinkedHashMap<>();
        Set<SecurityLabel> labelSet = new LinkedHashSet<>();
        SecurityLabel[] labels = new SecurityLabel[0];
        Confidentiality confidentiality;
        boolean extension;

        void freeze() {
            labels = labelSet.toArray(SecurityLabel[]::new);
            children = Collections.unmodifiableMap(children);
            extensions = Collections.unmodifiableMap(extensions);
            modifierExtensions = Collections.unmodifiableMap(modifierExtensions);
            children.values().stream().distinct().forEach(Node::freeze);
            extensions.values().forEach(Node::freeze);
            modifierExtensions.values().forEach(Node::freeze);
        }

        boolean hasDescendants() {
            return !children.isEmpty() || !extensions.isEmpty() || !modifierExtensions.isEmpty();
        }
    }
}

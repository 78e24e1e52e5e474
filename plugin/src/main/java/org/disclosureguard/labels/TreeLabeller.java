package org.disclosureguard.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a {@link LabelPlan} to FHIR JSON held as a Jackson tree, in place, without building HAPI's object
 * model. It walks only the paths the plan names, plus the places resources nest (Bundle entries in any search
 * mode, {@code contained}, {@code Parameters.parameter.resource}, and bundles inside bundles).
 *
 * <p>For each labelled element it appends the DS4P inline label extension (one per label, never duplicating a
 * label already present). A primitive element is labelled through its {@code _name} sibling, aligned by index for
 * repeating primitives. An extension is labelled on its value (or, for a complex extension, on the values of its
 * sub-extensions), which keeps FHIR's rule that an extension has either a value or sub-extensions. Each labelled
 * resource then carries {@code PROCESSINLINELABEL} (if any element was labelled) and exactly one confidentiality
 * code: the highest of the plan's baseline, what the resource already carried, and what its elements raised.
 *
 * <p>Produces the same result as {@link ModelLabeller} (a property test holds them to it). Thread-safe: holds
 * only the immutable plan.
 */
public final class TreeLabeller {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_NESTING = 16;

    private final LabelPlan plan;

    public TreeLabeller(LabelPlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    /**
     * Labels a resource (and every resource nested in it) in place.
     *
     * @param resource a FHIR resource as a JSON object with a {@code resourceType}
     * @return how many resources and elements were labelled
     * @throws IllegalArgumentException if the JSON is not a resource, or nests resources too deeply
     */
    public LabelCount label(ObjectNode resource) {
        LabelCount count = new LabelCount();
        labelResource(resource, count, 0);
        return count;
    }

    /**
     * Labels the resource of one Bundle entry in place, exactly as {@link #label} labels it when it labels the Bundle
     * the entry belongs to; an entry without a resource is left alone. With {@link #label} on the Bundle without its
     * entries, this lets a Bundle be labelled one entry at a time.
     *
     * @param entry one element of a Bundle's {@code entry} array
     * @return how many resources and elements were labelled
     * @throws IllegalArgumentException if the entry's resource is not a resource, or nests resources too deeply
     */
    public LabelCount labelEntry(ObjectNode entry) {
        LabelCount count = new LabelCount();
        labelNested(entry.get("resource"), count, 0);
        return count;
    }

    private void labelResource(ObjectNode resource, LabelCount count, int depth) {
        if (depth > MAX_NESTING) {
            throw new IllegalArgumentException("resources are nested more than " + MAX_NESTING + " deep");
        }
        JsonNode typeNode = resource.get("resourceType");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new IllegalArgumentException("a resource without a resourceType");
        }
        String type = typeNode.textValue();
        for (JsonNode contained : array(resource, "contained")) {
            labelNested(contained, count, depth);
        }
        if (type.equals("Bundle")) {
            for (JsonNode entry : array(resource, "entry")) {
                if (entry instanceof ObjectNode e) {
                    labelNested(e.get("resource"), count, depth);
                }
            }
        } else if (type.equals("Parameters")) {
            labelParameters(array(resource, "parameter"), count, depth);
        }
        LabelPlan.Node root = plan.root(type);
        if (root == null) {
            return;
        }
        ResourceState state = new ResourceState();
        applyChildren(root, resource, state);
        writeMeta(resource, state, plan.baseline());
        count.resources++;
        count.elements += state.elements;
    }

    private void labelParameters(Iterable<JsonNode> parameters, LabelCount count, int depth) {
        for (JsonNode parameter : parameters) {
            if (parameter instanceof ObjectNode p) {
                labelNested(p.get("resource"), count, depth);
                labelParameters(array(p, "part"), count, depth + 1);
            }
        }
    }

    private void labelNested(JsonNode node, LabelCount count, int depth) {
        if (node instanceof ObjectNode nested) {
            labelResource(nested, count, depth + 1);
        } else if (node != null && !node.isNull()) {
            throw new IllegalArgumentException("a nested resource is not a JSON object");
        }
    }

    private static void applyChildren(LabelPlan.Node node, ObjectNode element, ResourceState state) {
        for (Map.Entry<String, LabelPlan.Node> child : node.children.entrySet()) {
            JsonNode value = element.get(child.getKey());
            if (value == null || value.isNull()) {
                continue;
            }
            LabelPlan.Node childNode = child.getValue();
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    JsonNode item = value.get(i);
                    if (item instanceof ObjectNode object) {
                        applyElement(childNode, object, state);
                    } else if (item.isValueNode()) {
                        applyPrimitive(childNode, element, child.getKey(), i, value.size(), state);
                    }
                }
            } else if (value instanceof ObjectNode object) {
                applyElement(childNode, object, state);
            } else {
                applyPrimitive(childNode, element, child.getKey(), -1, 0, state);
            }
        }
        applyExtensions(node.extensions, element, "extension", state);
        applyExtensions(node.modifierExtensions, element, "modifierExtension", state);
    }

    private static void applyExtensions(Map<String, LabelPlan.Node> byUrl, ObjectNode element, String property,
            ResourceState state) {
        if (byUrl.isEmpty()) {
            return;
        }
        for (JsonNode ext : array(element, property)) {
            JsonNode url = ext.get("url");
            if (ext instanceof ObjectNode extension && url != null && url.isTextual()) {
                LabelPlan.Node target = byUrl.get(url.textValue());
                if (target != null) {
                    if (target.labels.length > 0) {
                        labelExtensionValue(extension, target.labels, state, 0);
                        state.raise(target.confidentiality);
                    }
                    applyChildren(target, extension, state);
                }
            }
        }
    }

    private static void applyElement(LabelPlan.Node node, ObjectNode element, ResourceState state) {
        if (node.labels.length > 0) {
            addLabels(element, node.labels, state);
            state.raise(node.confidentiality);
        }
        if (node.hasDescendants()) {
            applyChildren(node, element, state);
        }
    }

    private static void applyPrimitive(LabelPlan.Node node, ObjectNode parent, String name, int index, int size,
            ResourceState state) {
        if (node.labels.length == 0) {
            return;
        }
        ObjectNode holder;
        String sibling = "_" + name;
        if (index < 0) {
            JsonNode existing = parent.get(sibling);
            holder = existing instanceof ObjectNode o ? o : parent.putObject(sibling);
        } else {
            JsonNode existing = parent.get(sibling);
            ArrayNode siblings = existing instanceof ArrayNode a ? a : parent.putArray(sibling);
            while (siblings.size() < size) {
                siblings.addNull();
            }
            JsonNode slot = siblings.get(index);
            if (slot instanceof ObjectNode o) {
                holder = o;
            } else {
                holder = NODES.objectNode();
                siblings.set(index, holder);
            }
        }
        addLabels(holder, node.labels, state);
        state.raise(node.confidentiality);
    }

    /** Labels the value of an extension, or the values of its sub-extensions when it has no value. */
    private static void labelExtensionValue(ObjectNode extension, SecurityLabel[] labels, ResourceState state,
            int depth) {
        if (depth > MAX_NESTING) {
            throw new IllegalArgumentException("extensions are nested more than " + MAX_NESTING + " deep");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = extension.fields();
        String valueName = null;
        JsonNode value = null;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.startsWith("value") && name.length() > 5 && Character.isUpperCase(name.charAt(5))) {
                valueName = name;
                value = field.getValue();
                break;
            }
        }
        if (value instanceof ObjectNode object) {
            addLabels(object, labels, state);
        } else if (value != null && value.isValueNode()) {
            JsonNode existing = extension.get("_" + valueName);
            ObjectNode holder = existing instanceof ObjectNode o ? o : extension.putObject("_" + valueName);
            addLabels(holder, labels, state);
        } else {
            for (JsonNode sub : array(extension, "extension")) {
                if (sub instanceof ObjectNode subExtension && !isInlineLabel(subExtension)) {
                    labelExtensionValue(subExtension, labels, state, depth + 1);
                }
            }
        }
    }

    private static void addLabels(ObjectNode element, SecurityLabel[] labels, ResourceState state) {
        JsonNode existing = element.get("extension");
        ArrayNode extensions = existing instanceof ArrayNode a ? a : element.putArray("extension");
        boolean added = false;
        for (SecurityLabel label : labels) {
            if (!hasLabel(extensions, label)) {
                ObjectNode ext = extensions.addObject();
                ext.put("url", Vocabulary.INLINE_LABEL_EXTENSION);
                ObjectNode coding = ext.putObject("valueCoding");
                coding.put("system", label.system());
                coding.put("code", label.code());
                added = true;
            }
        }
        state.labelled = true;
        if (added) {
            state.elements++;
        }
    }

    private static boolean hasLabel(ArrayNode extensions, SecurityLabel label) {
        for (JsonNode ext : extensions) {
            if (ext instanceof ObjectNode e && isInlineLabel(e)) {
                JsonNode coding = e.get("valueCoding");
                if (coding != null && label.system().equals(coding.path("system").asText(null))
                        && label.code().equals(coding.path("code").asText(null))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isInlineLabel(ObjectNode extension) {
        JsonNode url = extension.get("url");
        return url != null && Vocabulary.INLINE_LABEL_EXTENSION.equals(url.asText(null));
    }

    /**
     * Rewrites {@code meta.security} in a canonical order, so that labelling is idempotent: other codes kept in
     * their order, then exactly one confidentiality, then the inline-label marker if any element is labelled.
     */
    private static void writeMeta(ObjectNode resource, ResourceState state, Confidentiality baseline) {
        JsonNode metaNode = resource.get("meta");
        ObjectNode meta = metaNode instanceof ObjectNode m ? m : resource.putObject("meta");
        JsonNode securityNode = meta.get("security");
        Confidentiality level = baseline.max(state.raised);
        ArrayNode kept = NODES.arrayNode();
        boolean hasInlineMarker = false;
        if (securityNode instanceof ArrayNode security) {
            for (JsonNode coding : security) {
                String system = coding.path("system").asText(null);
                if (Vocabulary.CONFIDENTIALITY.equals(system)) {
                    level = level.max(Confidentiality.fromCodeFailClosed(coding.path("code").asText(null)));
                } else if (Vocabulary.ACT_CODE.equals(system)
                        && Vocabulary.PROCESS_INLINE_LABEL.equals(coding.path("code").asText(null))) {
                    hasInlineMarker = true;
                } else {
                    kept.add(coding);
                }
            }
        }
        ObjectNode confidentiality = kept.addObject();
        confidentiality.put("system", Vocabulary.CONFIDENTIALITY);
        confidentiality.put("code", level.code());
        confidentiality.put("display", level.display());
        if (state.labelled || hasInlineMarker) {
            ObjectNode marker = kept.addObject();
            marker.put("system", Vocabulary.ACT_CODE);
            marker.put("code", Vocabulary.PROCESS_INLINE_LABEL);
        }
        meta.set("security", kept);
    }

    private static Iterable<JsonNode> array(ObjectNode parent, String name) {
        JsonNode node = parent.get(name);
        return node instanceof ArrayNode a ? a : java.util.List.of();
    }

    /** Per-resource state while labelling. */
    private static final class ResourceState {
        boolean labelled;
        int elements;
        Confidentiality raised;

        void raise(Confidentiality c) {
            if (c != null) {
                raised = c.max(raised);
            }
        }
    }
}

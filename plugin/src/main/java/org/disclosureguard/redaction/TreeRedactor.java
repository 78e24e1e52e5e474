package org.disclosureguard.redaction;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.context.RuntimeChildContainedResources;
import ca.uhn.fhir.context.RuntimeChildDirectResource;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.redaction.Tally.Fate;
import org.disclosureguard.redaction.WithheldElement.Action;
import org.disclosureguard.redaction.WithheldElement.Reason;

/**
 * Applies a {@link Redaction} to already-labelled FHIR R4 JSON held as a Jackson tree, in place. It walks every
 * element of the resource with HAPI's R4 element definitions alongside (map look-ups by JSON name), so that it
 * knows each element's cardinality, and redacts the resources nested in it too ({@code contained}, Bundle entries
 * of any bundle type, bundles in bundles, {@code Parameters.parameter(.part)*.resource}, any other child whose
 * type is a resource).
 *
 * <p>The rules, identical to {@link ModelRedactor}'s (a test holds them to it):
 *
 * <ul>
 *   <li>an element carrying any withheld DS4P inline label (a complex element in its own {@code extension}, a
 *       primitive in its {@code _name} sibling, aligned by index for repeating primitives) is removed together
 *       with its {@code _name} sibling; a repeating element keeps its other items, and {@code _name} arrays stay
 *       aligned (and go when nothing but nulls is left in them);
 *   <li>an extension whose value, or any of whose sub-extensions' values, carries a withheld label is removed
 *       whole (the labeller labels an extension on its value, never beside it);
 *   <li>an element left with no content by the removal of what it held is removed too (an extension: when it
 *       is left with neither a value nor sub-extensions);
 *   <li>a required element (minimum cardinality 1 or more) that would be left absent is masked instead: an object
 *       becomes {@code {"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason",
 *       "valueCode":"masked"}]}}, a primitive loses its value and its {@code _name} becomes that object;
 *   <li>a resource from which anything was withheld loses its narrative {@code text} and gets the
 *       {@code v3-ObservationValue#REDACTED} tag in {@code meta.security} (once); references to its contained
 *       resources are kept as they are;
 *   <li>with totals suppressed, a searchset Bundle loses its {@code total}.
 * </ul>
 *
 * <p>It adds nothing but the REDACTED tag and masks. Resource-level labels ({@code meta.security}) are not
 * acted on here: withholding whole resources is the policy step's business. An empty redaction returns at once
 * and leaves the tree untouched.
 *
 * <p>Thread-safe: holds only the {@link FhirContext}, whose definitions are immutable once scanned; a tree must
 * not be redacted by two threads at once.
 */
public final class TreeRedactor {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_NESTING = 16;
    private static final int MAX_DEPTH = 100;

    private final FhirContext fhir;
    private final BaseRuntimeElementCompositeDefinition<?> extensionDefinition;

    /**
     * @param fhir an R4 context
     * @throws IllegalArgumentException if the context is not for FHIR R4
     */
    public TreeRedactor(FhirContext fhir) {
        this.fhir = Objects.requireNonNull(fhir, "fhir");
        if (fhir.getVersion().getVersion() != FhirVersionEnum.R4) {
            throw new IllegalArgumentException("the redactor reads FHIR R4, not " + fhir.getVersion().getVersion());
        }
        this.extensionDefinition = (BaseRuntimeElementCompositeDefinition<?>) fhir.getElementDefinition("Extension");
    }

    /**
     * Redacts a resource and every resource nested in it, in place.
     *
     * @param resource a FHIR R4 resource as a JSON object with a {@code resourceType}, already labelled
     * @param redaction what to withhold
     * @return what was withheld
     * @throws IllegalArgumentException if the JSON is not a resource of a known type, nests resources more than 16
     *     deep or elements more than 100 deep; the tree may then be partly redacted and must not be released
     */
    public RedactionResult redact(ObjectNode resource, Redaction redaction) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(redaction, "redaction");
        if (redaction.isEmpty()) {
            return RedactionResult.nothing();
        }
        Tally tally = new Tally();
        new Pass(redaction, tally).resource(resource, 0);
        return tally.result();
    }

    /** The data-absent-reason object that replaces a withheld required element. */
    static ObjectNode mask() {
        ObjectNode mask = NODES.objectNode();
        ObjectNode reason = mask.putArray("extension").addObject();
        reason.put("url", Redaction.DATA_ABSENT_REASON);
        reason.put("valueCode", Redaction.MASKED);
        return mask;
    }

    /** One redaction of one tree. */
    private final class Pass {
        private final Redaction redaction;
        private final Tally tally;

        Pass(Redaction redaction, Tally tally) {
            this.redaction = redaction;
            this.tally = tally;
        }

        void resource(ObjectNode resource, int nesting) {
            if (nesting > MAX_NESTING) {
                throw new IllegalArgumentException("resources are nested more than " + MAX_NESTING + " deep");
            }
            JsonNode typeNode = resource.get("resourceType");
            if (typeNode == null || !typeNode.isTextual()) {
                throw new IllegalArgumentException("a resource without a resourceType");
            }
            String type = typeNode.textValue();
            RuntimeResourceDefinition definition;
            try {
                definition = fhir.getResourceDefinition(type);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException("'" + type + "' is not a FHIR R4 resource type");
            }
            JsonNode idNode = resource.get("id");
            Tally.Scope scope = tally.scope(type, idNode != null && idNode.isTextual() ? idPart(idNode.textValue()) : null);
            children(resource, definition, type, scope, nesting, 0);
            if (redaction.suppressTotals() && type.equals("Bundle")
                    && "searchset".equals(resource.path("type").asText(null))
                    && (resource.has("total") || resource.has("_total"))) {
                resource.remove("total");
                resource.remove("_total");
                scope.withheld(type + ".total", Action.REMOVED, Reason.TOTAL, Set.of());
            }
            if (scope.changed()) {
                if (resource.has("text")) {
                    resource.remove("text");
                    scope.withheld(type + ".text", Action.REMOVED, Reason.NARRATIVE, Set.of());
                }
                tagRedacted(resource);
                scope.finish();
            }
        }

        private void nested(JsonNode node, int nesting) {
            if (node instanceof ArrayNode array) {
                for (JsonNode item : array) {
                    nested(item, nesting);
                }
            } else if (node instanceof ObjectNode object) {
                resource(object, nesting + 1);
            } else if (node != null && !node.isNull()) {
                throw new IllegalArgumentException("a nested resource is not a JSON object");
            }
        }

        /** Redacts every property of an object: a resource, a complex element, or a primitive's {@code _name}. */
        private void children(ObjectNode object, BaseRuntimeElementCompositeDefinition<?> definition, String path,
                Tally.Scope scope, int nesting, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("elements are nested more than " + MAX_DEPTH + " deep");
            }
            Set<String> names = new LinkedHashSet<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : new ArrayList<>(names)) {
                if (name.equals("resourceType") || !object.has(name)) {
                    continue;
                }
                String element = name;
                if (name.startsWith("_")) {
                    element = name.substring(1);
                    if (names.contains(element)) {
                        continue;
                    }
                }
                property(object, element, definition, path, scope, nesting, depth);
            }
        }

        private void property(ObjectNode parent, String name, BaseRuntimeElementCompositeDefinition<?> parentDefinition,
                String parentPath, Tally.Scope scope, int nesting, int depth) {
            BaseRuntimeChildDefinition child = parentDefinition == null ? null : parentDefinition.getChildByName(name);
            if (child instanceof RuntimeChildContainedResources || child instanceof RuntimeChildDirectResource) {
                nested(parent.get(name), nesting);
                return;
            }
            BaseRuntimeElementDefinition<?> definition;
            if (name.equals("extension") || name.equals("modifierExtension")) {
                definition = extensionDefinition;
            } else {
                // Only names HAPI lists for the child: a JSON key such as "deceased[x]" names the choice itself, and
                // HAPI's getChildByName has no answer (an assertion) for it; such a key is an unknown element.
                definition = child == null || !child.getValidChildNames().contains(name) ? null
                        : child.getChildByName(name);
            }
            int min = child == null ? 0 : child.getMin();
            JsonNode value = parent.get(name);
            JsonNode holder = parent.get("_" + name);
            String path = parentPath + "." + name;
            if (value instanceof ArrayNode || (value == null && holder instanceof ArrayNode)) {
                repeating(parent, name, definition, min, path, scope, nesting, depth);
            } else {
                single(parent, name, definition, min, path, scope, nesting, depth);
            }
        }

        private void single(ObjectNode parent, String name, BaseRuntimeElementDefinition<?> definition, int min,
                String path, Tally.Scope scope, int nesting, int depth) {
            JsonNode value = parent.get(name);
            Fate fate;
            boolean object = value instanceof ObjectNode;
            if (object) {
                fate = object((ObjectNode) value, definition, path, scope, nesting, depth);
            } else {
                ObjectNode holder = parent.get("_" + name) instanceof ObjectNode h ? h : null;
                if (absent(value) && holder == null) {
                    return;
                }
                fate = primitive(value, holder, path, scope, nesting, depth);
                if (fate.kind() == Tally.Kind.KEEP_HOLDER_EMPTIED) {
                    parent.remove("_" + name);
                }
            }
            if (fate.keep()) {
                return;
            }
            parent.remove(name);
            parent.remove("_" + name);
            if (min >= 1) {
                parent.set(object ? name : "_" + name, mask());
                scope.withheld(path, Action.MASKED, fate);
            } else {
                scope.withheld(path, Action.REMOVED, fate);
            }
        }

        private void repeating(ObjectNode parent, String name, BaseRuntimeElementDefinition<?> definition, int min,
                String path, Tally.Scope scope, int nesting, int depth) {
            ArrayNode values = parent.get(name) instanceof ArrayNode v ? v : null;
            ArrayNode holders = parent.get("_" + name) instanceof ArrayNode h ? h : null;
            int size = Math.max(values == null ? 0 : values.size(), holders == null ? 0 : holders.size());
            boolean extensions = definition == extensionDefinition;
            Map<String, int[]> byUrl = extensions && values != null ? urlCounts(values) : Map.of();
            BitSet withheld = new BitSet(size);
            Fate[] fates = new Fate[size];
            String[] paths = new String[size];
            boolean holdersChanged = false;
            for (int i = 0; i < size; i++) {
                JsonNode value = values == null || i >= values.size() ? null : values.get(i);
                JsonNode holder = holders == null || i >= holders.size() ? null : holders.get(i);
                String itemPath = extensions
                        ? Tally.extensionPath(path, url(value), i, byUrl)
                        : path + "[" + i + "]";
                Fate fate;
                if (value instanceof ObjectNode object) {
                    fate = object(object, definition, itemPath, scope, nesting, depth);
                } else {
                    ObjectNode holderObject = holder instanceof ObjectNode h ? h : null;
                    if (absent(value) && holderObject == null) {
                        continue;
                    }
                    fate = primitive(value, holderObject, itemPath, scope, nesting, depth);
                    if (fate.kind() == Tally.Kind.KEEP_HOLDER_EMPTIED) {
                        holders.set(i, NullNode.getInstance());
                        holdersChanged = true;
                    }
                }
                if (!fate.keep()) {
                    withheld.set(i);
                    fates[i] = fate;
                    paths[i] = itemPath;
                }
            }
            if (withheld.isEmpty()) {
                if (holdersChanged && allNull(holders)) {
                    parent.remove("_" + name);
                }
                return;
            }
            int first = withheld.nextSetBit(0);
            boolean firstWasObject = values != null && first < values.size() && values.get(first) instanceof ObjectNode;
            for (int i = withheld.length() - 1; i >= 0; i = withheld.previousSetBit(i - 1)) {
                if (values != null && i < values.size()) {
                    values.remove(i);
                }
                if (holders != null && i < holders.size()) {
                    holders.remove(i);
                }
            }
            boolean present = false;
            for (int i = 0; i < Math.max(values == null ? 0 : values.size(), holders == null ? 0 : holders.size()); i++) {
                JsonNode value = values == null || i >= values.size() ? null : values.get(i);
                JsonNode holder = holders == null || i >= holders.size() ? null : holders.get(i);
                if (!absent(value) || holder instanceof ObjectNode) {
                    present = true;
                    break;
                }
            }
            if (!present) {
                parent.remove(name);
                parent.remove("_" + name);
            } else if (holders != null && allNull(holders)) {
                parent.remove("_" + name);
            }
            boolean mask = !present && min >= 1;
            if (mask) {
                if (firstWasObject) {
                    parent.putArray(name).add(mask());
                } else {
                    parent.putArray(name).addNull();
                    parent.putArray("_" + name).add(mask());
                }
            }
            for (int i = first; i >= 0; i = withheld.nextSetBit(i + 1)) {
                scope.withheld(paths[i], mask && i == first ? Action.MASKED : Action.REMOVED, fates[i]);
            }
        }

        /** Decides on a complex element, and redacts inside it when it stays. */
        private Fate object(ObjectNode element, BaseRuntimeElementDefinition<?> definition, String path,
                Tally.Scope scope, int nesting, int depth) {
            boolean extension = definition == extensionDefinition;
            Set<SecurityLabel> labels = extension ? extensionLabels(element, 0) : ownLabels(element);
            if (!labels.isEmpty()) {
                return Fate.labelled(labels);
            }
            if (extension && isInlineLabel(element)) {
                return Fate.KEEP;
            }
            int before = scope.changes();
            children(element, definition instanceof BaseRuntimeElementCompositeDefinition<?> c ? c : null, path, scope,
                    nesting, depth + 1);
            if (scope.changes() > before && (extension ? !hasValueOrExtensions(element) : element.isEmpty())) {
                return Fate.EMPTIED;
            }
            return Fate.KEEP;
        }

        /** Decides on a primitive (its value and its {@code _name} sibling), and redacts inside the sibling. */
        private Fate primitive(JsonNode value, ObjectNode holder, String path, Tally.Scope scope, int nesting,
                int depth) {
            if (holder == null) {
                return Fate.KEEP;
            }
            Set<SecurityLabel> labels = ownLabels(holder);
            if (!labels.isEmpty()) {
                return Fate.labelled(labels);
            }
            int before = scope.changes();
            children(holder, null, path, scope, nesting, depth + 1);
            if (scope.changes() > before && holder.isEmpty()) {
                return absent(value) ? Fate.EMPTIED : Fate.KEEP_HOLDER_EMPTIED;
            }
            return Fate.KEEP;
        }

        /**
         * The withheld labels an extension carries: beside it (fail-closed, though the labeller never puts them
         * there), on its value, and on its sub-extensions' values, recursively.
         */
        private Set<SecurityLabel> extensionLabels(ObjectNode extension, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("extensions are nested more than " + MAX_DEPTH + " deep");
            }
            Set<SecurityLabel> labels = ownLabels(extension);
            for (Map.Entry<String, JsonNode> field : extension.properties()) {
                String name = field.getKey();
                if (field.getValue() instanceof ObjectNode value && (isValueName(name, 0) || isValueName(name, 1))) {
                    labels = union(labels, ownLabels(value));
                }
            }
            if (extension.get("extension") instanceof ArrayNode subs) {
                for (JsonNode sub : subs) {
                    if (sub instanceof ObjectNode subExtension && !isInlineLabel(subExtension)) {
                        labels = union(labels, extensionLabels(subExtension, depth + 1));
                    }
                }
            }
            return labels;
        }

        /** The withheld labels in an element's own {@code extension} array. */
        private Set<SecurityLabel> ownLabels(ObjectNode element) {
            if (!(element.get("extension") instanceof ArrayNode extensions)) {
                return Set.of();
            }
            Set<SecurityLabel> labels = Set.of();
            for (JsonNode extension : extensions) {
                if (extension instanceof ObjectNode e && isInlineLabel(e) && e.get("valueCoding") instanceof ObjectNode c) {
                    SecurityLabel label = redaction.match(text(c.get("system")), text(c.get("code")));
                    if (label != null) {
                        labels = union(labels, Set.of(label));
                    }
                }
            }
            return labels;
        }

        private void tagRedacted(ObjectNode resource) {
            ObjectNode meta = resource.get("meta") instanceof ObjectNode m ? m : resource.putObject("meta");
            ArrayNode security = meta.get("security") instanceof ArrayNode s ? s : meta.putArray("security");
            for (JsonNode coding : security) {
                if (Vocabulary.OBSERVATION_VALUE.equals(text(coding.get("system")))
                        && Redaction.REDACTED.equals(text(coding.get("code")))) {
                    return;
                }
            }
            ObjectNode tag = security.addObject();
            tag.put("system", Vocabulary.OBSERVATION_VALUE);
            tag.put("code", Redaction.REDACTED);
            tag.put("display", Redaction.REDACTED_DISPLAY);
        }
    }

    private static Set<SecurityLabel> union(Set<SecurityLabel> a, Set<SecurityLabel> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<SecurityLabel> both = new LinkedHashSet<>(a);
        both.addAll(b);
        return both;
    }

    private static Map<String, int[]> urlCounts(ArrayNode extensions) {
        Map<String, int[]> counts = new HashMap<>();
        for (JsonNode extension : extensions) {
            String url = url(extension);
            if (url != null) {
                counts.computeIfAbsent(url, u -> new int[2])[1]++;
            }
        }
        return counts;
    }

    private static String url(JsonNode extension) {
        return extension instanceof ObjectNode ? text(extension.get("url")) : null;
    }

    private static boolean isInlineLabel(ObjectNode extension) {
        return Vocabulary.INLINE_LABEL_EXTENSION.equals(text(extension.get("url")));
    }

    /** An extension still has a value ({@code value[x]} or {@code _value[x]}) or sub-extensions. */
    private static boolean hasValueOrExtensions(ObjectNode extension) {
        if (extension.get("extension") instanceof ArrayNode subs && !subs.isEmpty()) {
            return true;
        }
        Iterator<String> names = extension.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (isValueName(name, 0) || isValueName(name, 1)) {
                return true;
            }
        }
        return false;
    }

    /** {@code value[X]...} starting at offset 0, or {@code _value[X]...} at offset 1. */
    private static boolean isValueName(String name, int offset) {
        return name.length() > offset + 5 && name.startsWith("value", offset) && (offset == 0 || name.charAt(0) == '_')
                && Character.isUpperCase(name.charAt(offset + 5));
    }

    private static boolean absent(JsonNode value) {
        return value == null || value.isNull();
    }

    private static boolean allNull(ArrayNode array) {
        for (JsonNode item : array) {
            if (!item.isNull()) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /** The id of a resource as the audit names it: a contained resource's id without its leading '#'. */
    static String idPart(String id) {
        return id != null && id.startsWith("#") ? id.substring(1) : id;
    }
}

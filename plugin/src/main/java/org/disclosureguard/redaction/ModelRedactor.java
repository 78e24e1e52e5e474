package org.disclosureguard.redaction;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.context.RuntimeChildContainedResources;
import ca.uhn.fhir.context.RuntimeChildDirectResource;
import ca.uhn.fhir.context.RuntimeChildExtension;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.redaction.Tally.Fate;
import org.disclosureguard.redaction.WithheldElement.Action;
import org.disclosureguard.redaction.WithheldElement.Reason;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * Applies a {@link Redaction} to HAPI FHIR R4 model objects, in place: the reference for {@link TreeRedactor}
 * (both must leave equal resources and return equal results) and the redactor for in-process use where resources
 * are already model objects. The rules are those listed on {@link TreeRedactor}.
 *
 * <p>It walks {@link BaseRuntimeElementCompositeDefinition#getChildren()} of each element, reads each child with
 * its accessor and, when something is withheld, writes the child back with its mutator: for a repeating child
 * {@code setValue(target, null)} clears the list and {@code addValue} appends the kept items in order; for a
 * single child {@code setValue} stores the kept value, the mask or {@code null}. A primitive's extensions are
 * reached through {@code Element.extension}'s child definition, which applies to every R4 element.
 *
 * <p>Thread-safe: holds only the {@link FhirContext}; a resource must not be redacted by two threads at once.
 */
public final class ModelRedactor {

    private static final int MAX_NESTING = 16;
    private static final int MAX_DEPTH = 100;

    private final FhirContext fhir;
    private final BaseRuntimeElementCompositeDefinition<?> extensionDefinition;
    private final BaseRuntimeChildDefinition elementExtensions;

    /**
     * @param fhir an R4 context
     * @throws IllegalArgumentException if the context is not for FHIR R4
     */
    public ModelRedactor(FhirContext fhir) {
        this.fhir = Objects.requireNonNull(fhir, "fhir");
        if (fhir.getVersion().getVersion() != FhirVersionEnum.R4) {
            throw new IllegalArgumentException("the redactor reads FHIR R4, not " + fhir.getVersion().getVersion());
        }
        this.extensionDefinition = (BaseRuntimeElementCompositeDefinition<?>) fhir.getElementDefinition("Extension");
        this.elementExtensions = extensionDefinition.getChildByName("extension");
    }

    /**
     * Redacts a resource and every resource nested in it, in place.
     *
     * @param resource an R4 resource, already labelled
     * @param redaction what to withhold
     * @return what was withheld
     * @throws IllegalArgumentException if resources are nested more than 16 deep or elements more than 100 deep;
     *     the resource may then be partly redacted and must not be released
     */
    public RedactionResult redact(Resource resource, Redaction redaction) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(redaction, "redaction");
        if (redaction.isEmpty()) {
            return RedactionResult.nothing();
        }
        Tally tally = new Tally();
        new Pass(redaction, tally).resource(resource, 0);
        return tally.result();
    }

    /** One redaction of one resource. */
    private final class Pass {
        private final Redaction redaction;
        private final Tally tally;

        Pass(Redaction redaction, Tally tally) {
            this.redaction = redaction;
            this.tally = tally;
        }

        void resource(Resource resource, int nesting) {
            if (nesting > MAX_NESTING) {
                throw new IllegalArgumentException("resources are nested more than " + MAX_NESTING + " deep");
            }
            String type = resource.fhirType();
            String id = resource.hasIdElement() ? TreeRedactor.idPart(resource.getIdElement().getIdPart()) : null;
            Tally.Scope scope = tally.scope(type, id);
            children(resource, fhir.getResourceDefinition(resource), type, scope, nesting, 0);
            if (redaction.suppressTotals() && resource instanceof Bundle bundle
                    && bundle.getType() == Bundle.BundleType.SEARCHSET && bundle.hasTotalElement()) {
                bundle.setTotalElement(null);
                scope.withheld(type + ".total", Action.REMOVED, Reason.TOTAL, Set.of());
            }
            if (scope.changed()) {
                if (resource instanceof DomainResource domain && domain.hasText()) {
                    domain.setText(null);
                    scope.withheld(type + ".text", Action.REMOVED, Reason.NARRATIVE, Set.of());
                }
                tagRedacted(resource.getMeta());
                scope.finish();
            }
        }

        private void children(IBase element, BaseRuntimeElementCompositeDefinition<?> definition, String path,
                Tally.Scope scope, int nesting, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("elements are nested more than " + MAX_DEPTH + " deep");
            }
            for (BaseRuntimeChildDefinition child : definition.getChildren()) {
                List<? extends IBase> current = child.getAccessor().getValues(element);
                if (current.isEmpty()) {
                    continue;
                }
                if (child instanceof RuntimeChildContainedResources || child instanceof RuntimeChildDirectResource) {
                    for (IBase nested : new ArrayList<>(current)) {
                        if (nested instanceof Resource resource) {
                            resource(resource, nesting + 1);
                        }
                    }
                    continue;
                }
                child(element, child, new ArrayList<>(current), path, scope, nesting, depth);
            }
        }

        /** Decides on every value of one child, and writes the child back if anything was withheld. */
        private void child(IBase parent, BaseRuntimeChildDefinition child, List<IBase> values, String parentPath,
                Tally.Scope scope, int nesting, int depth) {
            boolean repeating = child.getMax() != 1;
            boolean extensions = child instanceof RuntimeChildExtension;
            Map<String, int[]> byUrl = extensions ? urlCounts(values) : Map.of();
            BitSet withheld = new BitSet(values.size());
            Fate[] fates = new Fate[values.size()];
            String[] paths = new String[values.size()];
            String[] names = new String[values.size()];
            for (int i = 0; i < values.size(); i++) {
                IBase value = values.get(i);
                if (value == null || value.isEmpty()) {
                    continue;
                }
                String name = jsonName(child, value);
                String itemPath;
                if (extensions) {
                    itemPath = Tally.extensionPath(parentPath + "." + name,
                            value instanceof Extension e ? e.getUrl() : null, i, byUrl);
                } else {
                    itemPath = parentPath + "." + name + (repeating ? "[" + i + "]" : "");
                }
                Fate fate;
                if (value instanceof IPrimitiveType<?> primitive) {
                    fate = primitive(primitive, itemPath, scope, nesting, depth);
                } else {
                    BaseRuntimeElementDefinition<?> definition =
                            extensions ? extensionDefinition : child.getChildByName(name);
                    fate = object(value, definition, itemPath, scope, nesting, depth);
                }
                if (!fate.keep()) {
                    withheld.set(i);
                    fates[i] = fate;
                    paths[i] = itemPath;
                    names[i] = name;
                }
            }
            if (withheld.isEmpty()) {
                return;
            }
            List<IBase> kept = new ArrayList<>();
            boolean present = false;
            for (int i = 0; i < values.size(); i++) {
                if (!withheld.get(i)) {
                    IBase value = values.get(i);
                    kept.add(value);
                    present |= value != null && !value.isEmpty();
                }
            }
            int first = withheld.nextSetBit(0);
            boolean mask = !present && child.getMin() >= 1;
            if (!present) {
                kept.clear();
                if (mask) {
                    kept.add(mask(child, names[first], values.get(first)));
                }
            }
            if (repeating) {
                child.getMutator().setValue(parent, null);
                for (IBase value : kept) {
                    child.getMutator().addValue(parent, value);
                }
            } else {
                child.getMutator().setValue(parent, kept.isEmpty() ? null : kept.get(0));
            }
            for (int i = first; i >= 0; i = withheld.nextSetBit(i + 1)) {
                scope.withheld(paths[i], mask && i == first ? Action.MASKED : Action.REMOVED, fates[i]);
            }
        }

        /** Decides on a complex element, and redacts inside it when it stays. */
        private Fate object(IBase value, BaseRuntimeElementDefinition<?> definition, String path, Tally.Scope scope,
                int nesting, int depth) {
            Set<SecurityLabel> labels;
            if (value instanceof Extension extension) {
                labels = extensionLabels(extension, 0);
            } else {
                labels = value instanceof Element element ? ownLabels(element) : Set.of();
            }
            if (!labels.isEmpty()) {
                return Fate.labelled(labels);
            }
            if (value instanceof Extension extension && Vocabulary.INLINE_LABEL_EXTENSION.equals(extension.getUrl())) {
                return Fate.KEEP;
            }
            BaseRuntimeElementDefinition<?> found = definition != null ? definition : fhir.getElementDefinition(
                    value.getClass());
            if (!(found instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                return Fate.KEEP;
            }
            int before = scope.changes();
            children(value, composite, path, scope, nesting, depth + 1);
            if (scope.changes() > before) {
                boolean empty = value instanceof Extension extension
                        ? !extension.hasValue() && !extension.hasExtension()
                        : value.isEmpty();
                if (empty) {
                    return Fate.EMPTIED;
                }
            }
            return Fate.KEEP;
        }

        /** Decides on a primitive, and redacts inside its extensions when it stays. */
        private Fate primitive(IPrimitiveType<?> value, String path, Tally.Scope scope, int nesting, int depth) {
            if (!(value instanceof Element element) || !element.hasExtension()) {
                return Fate.KEEP;
            }
            Set<SecurityLabel> labels = ownLabels(element);
            if (!labels.isEmpty()) {
                return Fate.labelled(labels);
            }
            int before = scope.changes();
            child(element, elementExtensions, new ArrayList<>(element.getExtension()), path, scope, nesting,
                    depth + 1);
            if (scope.changes() > before && element.isEmpty()) {
                return Fate.EMPTIED;
            }
            return Fate.KEEP;
        }

        private Set<SecurityLabel> extensionLabels(Extension extension, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("extensions are nested more than " + MAX_DEPTH + " deep");
            }
            Set<SecurityLabel> labels = ownLabels(extension);
            Element value = extension.getValue();
            if (value != null) {
                labels = union(labels, ownLabels(value));
            }
            if (extension.hasExtension()) {
                for (Extension sub : extension.getExtension()) {
                    if (!Vocabulary.INLINE_LABEL_EXTENSION.equals(sub.getUrl())) {
                        labels = union(labels, extensionLabels(sub, depth + 1));
                    }
                }
            }
            return labels;
        }

        private Set<SecurityLabel> ownLabels(Element element) {
            if (!element.hasExtension()) {
                return Set.of();
            }
            Set<SecurityLabel> labels = Set.of();
            for (Extension extension : element.getExtension()) {
                if (Vocabulary.INLINE_LABEL_EXTENSION.equals(extension.getUrl())
                        && extension.getValue() instanceof Coding coding) {
                    SecurityLabel label = redaction.match(coding.getSystem(), coding.getCode());
                    if (label != null) {
                        labels = union(labels, Set.of(label));
                    }
                }
            }
            return labels;
        }

        private void tagRedacted(Meta meta) {
            for (Coding coding : meta.getSecurity()) {
                if (Vocabulary.OBSERVATION_VALUE.equals(coding.getSystem())
                        && Redaction.REDACTED.equals(coding.getCode())) {
                    return;
                }
            }
            meta.addSecurity(new Coding(Vocabulary.OBSERVATION_VALUE, Redaction.REDACTED, Redaction.REDACTED_DISPLAY));
        }
    }

    /** A new element of the withheld one's type holding only the data-absent-reason extension. */
    private IBase mask(BaseRuntimeChildDefinition child, String name, IBase like) {
        BaseRuntimeElementDefinition<?> definition = child.getChildByName(name);
        if (definition == null) {
            definition = fhir.getElementDefinition(like.getClass());
        }
        IBase mask = definition.newInstance(child.getInstanceConstructorArguments());
        if (!(mask instanceof Element element)) {
            throw new IllegalStateException("cannot mask a required " + name + ": it cannot carry an extension");
        }
        element.addExtension(new Extension(Redaction.DATA_ABSENT_REASON, new CodeType(Redaction.MASKED)));
        return mask;
    }

    private static String jsonName(BaseRuntimeChildDefinition child, IBase value) {
        String name = child.getChildNameByDatatype(value.getClass());
        return name != null ? name : child.getElementName();
    }

    private static Map<String, int[]> urlCounts(List<IBase> extensions) {
        Map<String, int[]> counts = new HashMap<>();
        for (IBase value : extensions) {
            if (value instanceof Extension extension && extension.getUrl() != null && !extension.isEmpty()) {
                counts.computeIfAbsent(extension.getUrl(), u -> new int[2])[1]++;
            }
        }
        return counts;
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
}

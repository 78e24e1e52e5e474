package org.disclosureguard.labels;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/**
 * Applies a {@link LabelPlan} to HAPI FHIR R4 model objects, in place, finding elements with HAPI's FHIRPath
 * engine. It is the reference for {@link TreeLabeller} (both must produce the same resources) and the labeller
 * for in-process use inside a HAPI FHIR server, where resources are already model objects.
 *
 * <p>Thread-safe if the {@link FhirContext}'s FHIRPath engine is; one instance per thread is the safe default.
 */
public final class ModelLabeller {

    private static final int MAX_NESTING = 16;

    private final LabelPlan plan;
    private final IFhirPath fhirPath;

    public ModelLabeller(FhirContext fhir, LabelPlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.fhirPath = fhir.newFhirPath();
    }

    /** Labels a resource and every resource nested in it, in place. */
    public LabelCount label(Resource resource) {
        LabelCount count = new LabelCount();
        labelResource(resource, count, 0);
        return count;
    }

    private void labelResource(Resource resource, LabelCount count, int depth) {
        if (depth > MAX_NESTING) {
            throw new IllegalArgumentException("resources are nested more than " + MAX_NESTING + " deep");
        }
        if (resource instanceof DomainResource domain) {
            for (Resource contained : domain.getContained()) {
                labelResource(contained, count, depth + 1);
            }
        }
        if (resource instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.hasResource()) {
                    labelResource(entry.getResource(), count, depth + 1);
                }
            }
        } else if (resource instanceof Parameters parameters) {
            labelParameters(parameters.getParameter(), count, depth);
        }
        String type = resource.fhirType();
        if (!plan.labelledResourceTypes().contains(type)) {
            return;
        }
        boolean labelled = false;
        int elements = 0;
        Confidentiality raised = null;
        for (LabelRule rule : plan.rules()) {
            if (!rule.path().resourceType().equals(type)) {
                continue;
            }
            for (Base found : fhirPath.evaluate(resource, rule.path().toFhirPath(), Base.class)) {
                boolean isExtensionTarget = rule.path().steps().get(rule.path().steps().size() - 1).kind()
                        != ElementPath.Kind.CHILD;
                int added = isExtensionTarget && found instanceof Extension ext
                        ? labelExtensionValue(ext, rule.labels(), 0)
                        : addLabels(found, rule.labels());
                if (added >= 0) {
                    labelled = true;
                    elements += added;
                    if (rule.confidentiality() != null) {
                        raised = rule.confidentiality().max(raised);
                    }
                }
            }
        }
        writeMeta(resource, labelled, raised);
        count.resources++;
        count.elements += elements;
    }

    private void labelParameters(List<Parameters.ParametersParameterComponent> parameters, LabelCount count,
            int depth) {
        for (Parameters.ParametersParameterComponent parameter : parameters) {
            if (parameter.hasResource()) {
                labelResource(parameter.getResource(), count, depth + 1);
            }
            labelParameters(parameter.getPart(), count, depth + 1);
        }
    }

    /**
     * @return -1 if nothing could carry a label, otherwise the number of elements that gained a label (0 or 1
     *     per element)
     */
    private static int labelExtensionValue(Extension extension, List<SecurityLabel> labels, int depth) {
        if (depth > MAX_NESTING) {
            throw new IllegalArgumentException("extensions are nested more than " + MAX_NESTING + " deep");
        }
        if (extension.getValue() != null) {
            return addLabels(extension.getValue(), labels);
        }
        int result = -1;
        for (Extension sub : extension.getExtension()) {
            if (!Vocabulary.INLINE_LABEL_EXTENSION.equals(sub.getUrl())) {
                int added = labelExtensionValue(sub, labels, depth + 1);
                if (added >= 0) {
                    result = Math.max(result, 0) + added;
                }
            }
        }
        return result;
    }

    private static int addLabels(Base target, List<SecurityLabel> labels) {
        if (!(target instanceof Element element)) {
            return -1;
        }
        boolean added = false;
        for (SecurityLabel label : labels) {
            boolean present = element.getExtension().stream()
                    .filter(e -> Vocabulary.INLINE_LABEL_EXTENSION.equals(e.getUrl()))
                    .map(Extension::getValue)
                    .anyMatch(v -> v instanceof Coding c && label.system().equals(c.getSystem())
                            && label.code().equals(c.getCode()));
            if (!present) {
                element.addExtension(Vocabulary.INLINE_LABEL_EXTENSION, new Coding(label.system(), label.code(), null));
                added = true;
            }
        }
        return added ? 1 : 0;
    }

    private void writeMeta(Resource resource, boolean labelled, Confidentiality raised) {
        Meta meta = resource.getMeta();
        Confidentiality level = plan.baseline().max(raised);
        List<Coding> kept = new ArrayList<>();
        boolean hasInlineMarker = false;
        for (Coding coding : meta.getSecurity()) {
            if (Vocabulary.CONFIDENTIALITY.equals(coding.getSystem())) {
                level = level.max(Confidentiality.fromCodeFailClosed(coding.getCode()));
            } else if (Vocabulary.ACT_CODE.equals(coding.getSystem())
                    && Vocabulary.PROCESS_INLINE_LABEL.equals(coding.getCode())) {
                hasInlineMarker = true;
            } else {
                kept.add(coding);
            }
        }
        kept.add(new Coding(Vocabulary.CONFIDENTIALITY, level.code(), level.display()));
        if (labelled || hasInlineMarker) {
            kept.add(new Coding(Vocabulary.ACT_CODE, Vocabulary.PROCESS_INLINE_LABEL, null));
        }
        meta.setSecurity(kept);
    }
}

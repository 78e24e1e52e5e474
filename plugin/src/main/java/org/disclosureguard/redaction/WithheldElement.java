package org.disclosureguard.redaction;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.disclosureguard.labels.SecurityLabel;

/**
 * One element a redaction withheld, for the audit record: in which resource, where, what was done and why.
 * Immutable.
 *
 * <p>The path is FHIRPath-like and relative to its resource: it starts with the resource type, names children by
 * their JSON names (so a choice element reads {@code deceasedDateTime}), gives an index for an item of a
 * repeating element in the input (before anything was removed), and names an extension by its URL,
 * {@code Patient.extension('http://hl7.org/fhir/StructureDefinition/patient-nationality')}, adding the index
 * among the extensions with that URL only when there are several ({@code extension('url')[1]}).
 *
 * @param resourceType the type of the resource the element belongs to, never {@code null}
 * @param resourceId the logical id of that resource (without a leading {@code #} for a contained resource), or
 *     {@code null} if it has none
 * @param path where the element was, never {@code null}
 * @param action whether the element was removed or masked
 * @param reason why it was withheld
 * @param labels the withheld labels it carried (for a complex extension, also those on its sub-extensions'
 *     values); empty unless the reason is {@link Reason#LABELLED}; iterates in system then code order
 */
public record WithheldElement(String resourceType, String resourceId, String path, Action action, Reason reason,
        Set<SecurityLabel> labels) {

    private static final Comparator<SecurityLabel> ORDER =
            Comparator.comparing(SecurityLabel::system).thenComparing(SecurityLabel::code);

    /** What was done with a withheld element. */
    public enum Action {
        /** The element is gone, with its {@code _name} sibling if it is a primitive. */
        REMOVED,
        /**
         * The element is required by FHIR, so it was replaced by one holding only the data-absent-reason
         * extension with the code {@code masked}.
         */
        MASKED
    }

    /** Why an element was withheld. */
    public enum Reason {
        /** It carried a withheld inline label (an extension: on its value or a sub-extension's value). */
        LABELLED,
        /** It was left with no content by the redaction of what it held. */
        EMPTIED,
        /** It is the narrative of a resource from which something was withheld: narratives repeat demographics. */
        NARRATIVE,
        /** It is the total of a searchset Bundle and totals were suppressed. */
        TOTAL
    }

    public WithheldElement {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        TreeSet<SecurityLabel> sorted = new TreeSet<>(ORDER);
        sorted.addAll(Objects.requireNonNull(labels, "labels"));
        labels = Collections.unmodifiableSet(new LinkedHashSet<>(sorted));
    }

    @Override
    public String toString() {
        return resourceType + (resourceId == null ? "" : "/" + resourceId) + " " + path + " " + action + " ("
                + reason + (labels.isEmpty() ? "" : " " + labels) + ")";
    }
}

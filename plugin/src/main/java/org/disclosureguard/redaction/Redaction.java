package org.disclosureguard.redaction;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;

/**
 * What a redacting decision withholds: every element carrying an inline security label in {@link #withheld()},
 * and, when {@link #suppressTotals()} is set, the {@code total} of searchset Bundles (which would otherwise say
 * how many matches there were). An immutable value, equal to another with the same labels and flag; safe to share
 * between threads.
 *
 * @param withheld the inline labels whose elements are withheld, never {@code null} (copied; may be empty)
 * @param suppressTotals whether searchset Bundles lose their {@code total}
 */
public record Redaction(Set<SecurityLabel> withheld, boolean suppressTotals) {

    /** The data-absent-reason extension that stands in for a required element that was withheld. */
    public static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

    /** The data-absent-reason code used for a withheld required element. */
    public static final String MASKED = "masked";

    /**
     * The code ({@code http://terminology.hl7.org/CodeSystem/v3-ObservationValue}) put in {@code meta.security} of a
     * resource from which anything was withheld.
     */
    public static final String REDACTED = "REDACTED";

    /** The display of {@link #REDACTED} in its code system. */
    public static final String REDACTED_DISPLAY = "redacted";

    private static final Redaction NONE = new Redaction(Set.of(), false);

    public Redaction {
        withheld = Set.copyOf(Objects.requireNonNull(withheld, "withheld"));
    }

    /** A redaction that withholds nothing and keeps totals: applying it changes nothing. */
    public static Redaction none() {
        return NONE;
    }

    /** Withholds the elements carrying any of the given labels; totals are kept. */
    public static Redaction withholding(SecurityLabel... labels) {
        return new Redaction(Set.copyOf(Arrays.asList(labels)), false);
    }

    /** Withholds the elements carrying any of the given labels; totals are kept. */
    public static Redaction withholding(Collection<SecurityLabel> labels) {
        return new Redaction(Set.copyOf(labels), false);
    }

    /** This redaction, also suppressing the totals of searchset Bundles. */
    public Redaction suppressingTotals() {
        return new Redaction(withheld, true);
    }

    /** Whether elements labelled with this label are withheld. */
    public boolean withholds(SecurityLabel label) {
        return withheld.contains(label);
    }

    /**
     * The withheld label with this system and code, or {@code null} if it is not withheld (or either is {@code
     * null}). Reads codings from data without building a {@link SecurityLabel}, which would reject blank values.
     */
    SecurityLabel match(String system, String code) {
        if (system == null || code == null) {
            return null;
        }
        for (SecurityLabel label : withheld) {
            if (label.code().equals(code) && label.system().equals(system)) {
                return label;
            }
        }
        return null;
    }

    /** Whether applying this redaction can change nothing: no label withheld and totals kept. */
    public boolean isEmpty() {
        return withheld.isEmpty() && !suppressTotals;
    }
}

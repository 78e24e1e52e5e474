package org.disclosureguard.redaction;

import java.util.List;

/**
 * What one redaction pass did. An immutable value.
 *
 * @param resourcesRedacted how many resources (counting nested ones separately) had anything withheld; each of
 *     them now carries the REDACTED tag
 * @param elementsRemoved how many elements were removed (including narratives and suppressed totals)
 * @param elementsMasked how many required elements were replaced by a data-absent-reason mask
 * @param withheld every removed or masked element, in the order the redactor met them
 */
public record RedactionResult(int resourcesRedacted, int elementsRemoved, int elementsMasked,
        List<WithheldElement> withheld) {

    private static final RedactionResult NOTHING = new RedactionResult(0, 0, 0, List.of());

    public RedactionResult {
        withheld = List.copyOf(withheld);
    }

    /** The result of a pass that withheld nothing. */
    public static RedactionResult nothing() {
        return NOTHING;
    }

    /** Whether anything was withheld. */
    public boolean changedAnything() {
        return resourcesRedacted > 0;
    }

    @Override
    public String toString() {
        return resourcesRedacted + " resources redacted, " + elementsRemoved + " elements removed, " + elementsMasked
                + " masked";
    }
}

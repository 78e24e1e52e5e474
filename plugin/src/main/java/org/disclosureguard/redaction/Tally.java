package org.disclosureguard.redaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.redaction.WithheldElement.Action;
import org.disclosureguard.redaction.WithheldElement.Reason;

/**
 * The bookkeeping both redactors share: counts and withheld locations, kept per resource so that a resource is
 * tagged when something was withheld from it (and not from a resource nested in it). One per redaction pass; not
 * thread-safe.
 */
final class Tally {

    private int resources;
    private int removed;
    private int masked;
    private final List<WithheldElement> withheld = new ArrayList<>();

    Scope scope(String resourceType, String resourceId) {
        return new Scope(resourceType, resourceId);
    }

    RedactionResult result() {
        return resources == 0 ? RedactionResult.nothing() : new RedactionResult(resources, removed, masked, withheld);
    }

    /** The element path of an extension: by URL, with the index among same-URL siblings when there are several. */
    static String extensionPath(String listPath, String url, int index, Map<String, int[]> byUrl) {
        if (url == null) {
            return listPath + "[" + index + "]";
        }
        int[] seenAndTotal = byUrl.get(url);
        String path = listPath + "('" + url + "')";
        int ordinal = seenAndTotal[0]++;
        return seenAndTotal[1] > 1 ? path + "[" + ordinal + "]" : path;
    }

    /** What happens to one element. */
    record Fate(Kind kind, Set<SecurityLabel> labels) {

        static final Fate KEEP = new Fate(Kind.KEEP, Set.of());
        static final Fate KEEP_HOLDER_EMPTIED = new Fate(Kind.KEEP_HOLDER_EMPTIED, Set.of());
        static final Fate EMPTIED = new Fate(Kind.EMPTIED, Set.of());

        static Fate labelled(Set<SecurityLabel> labels) {
            return new Fate(Kind.LABELLED, labels);
        }

        boolean keep() {
            return kind == Kind.KEEP || kind == Kind.KEEP_HOLDER_EMPTIED;
        }

        Reason reason() {
            return kind == Kind.EMPTIED ? Reason.EMPTIED : Reason.LABELLED;
        }
    }

    enum Kind {
        /** The element stays. */
        KEEP,
        /** A primitive stays, but its {@code _name} sibling lost all it held (JSON tree only). */
        KEEP_HOLDER_EMPTIED,
        /** It carries a withheld label. */
        LABELLED,
        /** Redaction of what it held left it with no content. */
        EMPTIED
    }

    /** One resource being redacted. */
    final class Scope {
        private final String resourceType;
        private final String resourceId;
        private int changes;

        private Scope(String resourceType, String resourceId) {
            this.resourceType = resourceType;
            this.resourceId = resourceId;
        }

        String resourceType() {
            return resourceType;
        }

        /** How many elements have been withheld from this resource so far. */
        int changes() {
            return changes;
        }

        boolean changed() {
            return changes > 0;
        }

        void withheld(String path, Action action, Reason reason, Set<SecurityLabel> labels) {
            changes++;
            if (action == Action.MASKED) {
                masked++;
            } else {
                removed++;
            }
            withheld.add(new WithheldElement(resourceType, resourceId, path, action, reason, labels));
        }

        void withheld(String path, Action action, Fate fate) {
            withheld(path, action, fate.reason(), fate.labels());
        }

        /** Counts the resource as redacted if anything was withheld from it. */
        void finish() {
            if (changes > 0) {
                resources++;
            }
        }
    }
}

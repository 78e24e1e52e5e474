package org.disclosureguard.synthetic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/** Builds transaction bundles of {@code PUT Type/id} entries. Stateless; thread-safe. */
final class TransactionBundles {

    private TransactionBundles() {
    }

    /**
     * Splits resources, in order, into transaction bundles of at most {@code maxEntries} entries.
     *
     * @param resources resources with ids; they are placed in the bundles as given (not copied)
     * @param maxEntries at least 1
     * @return the bundles, possibly none when there are no resources
     */
    static List<Bundle> chunk(List<? extends Resource> resources, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("A transaction bundle needs room for at least one entry, got " + maxEntries);
        }
        List<Bundle> bundles = new ArrayList<>();
        Bundle current = null;
        for (Resource resource : resources) {
            if (current == null || current.getEntry().size() == maxEntries) {
                current = new Bundle().setType(Bundle.BundleType.TRANSACTION);
                bundles.add(current);
            }
            addPut(current, resource);
        }
        return bundles;
    }

    static void addPut(Bundle bundle, Resource resource) {
        String idPart = resource.getIdElement().getIdPart();
        if (idPart == null || idPart.isBlank()) {
            throw new IllegalArgumentException("A PUT entry needs a resource id: " + resource.fhirType());
        }
        bundle.addEntry()
                .setFullUrl(fullUrl(resource))
                .setResource(resource)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(resource.fhirType() + "/" + idPart);
    }

    /** A stable {@code urn:uuid:} full URL, the name-based UUID of {@code Type/id}. */
    static String fullUrl(Resource resource) {
        String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        return "urn:uuid:" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    }
}

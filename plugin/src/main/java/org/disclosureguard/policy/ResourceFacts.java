package org.disclosureguard.policy;

import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;

/**
 * What the policy knows about one labelled resource about to be released. An immutable value.
 *
 * @param resourceType the FHIR resource type, never blank
 * @param id the resource's logical id, never {@code null}; empty when it has none (a contained resource)
 * @param confidentiality the record's high-water mark, never {@code null}. For a resource in a patient's
 *     compartment the caller passes the highest of the resource's own mark and its patient's, when known, so
 *     that a restricted patient's other records are treated as restricted too
 * @param labels the inline security labels present on its elements, never {@code null} (copied)
 * @param patientCompartment whether the resource is a Patient or belongs to a patient's compartment
 */
public record ResourceFacts(String resourceType, String id, Confidentiality confidentiality,
        Set<SecurityLabel> labels, boolean patientCompartment) {

    public ResourceFacts {
        if (resourceType == null || resourceType.isBlank()) {
            throw new IllegalArgumentException("resource facts need a resource type");
        }
        id = id == null ? "" : id;
        Objects.requireNonNull(confidentiality, "confidentiality");
        labels = Set.copyOf(Objects.requireNonNull(labels, "labels"));
    }
}

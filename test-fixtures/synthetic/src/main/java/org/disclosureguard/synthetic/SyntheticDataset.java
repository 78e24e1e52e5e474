package org.disclosureguard.synthetic;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;

/**
 * The output of {@link SyntheticUkGenerator}: GP practices, GPs, their roles, patients, related persons
 * and encounters, with deterministic ids ({@code dg-org-001}, {@code dg-pract-001},
 * {@code dg-prole-001}, {@code dg-pat-0001}, {@code dg-rp-0001-1}, {@code dg-enc-0001-1}).
 *
 * <p>Immutable and thread-safe. HAPI model objects are mutable, so every accessor returns an unmodifiable
 * list of fresh deep copies: changing a returned resource never changes the dataset or what a later call
 * returns. References between resources are literal ({@code Patient/dg-pat-0001}) and all resolve inside
 * the dataset.
 */
public final class SyntheticDataset {

    private final long seed;
    private final LocalDate referenceDate;
    private final List<Organization> organizations;
    private final List<Practitioner> practitioners;
    private final List<PractitionerRole> practitionerRoles;
    private final List<Patient> patients;
    private final List<RelatedPerson> relatedPersons;
    private final List<Encounter> encounters;
    private final Set<String> minimalPatientIds;

    SyntheticDataset(long seed, LocalDate referenceDate, List<Organization> organizations,
            List<Practitioner> practitioners, List<PractitionerRole> practitionerRoles, List<Patient> patients,
            List<RelatedPerson> relatedPersons, List<Encounter> encounters, Set<String> minimalPatientIds) {
        this.seed = seed;
        this.referenceDate = Objects.requireNonNull(referenceDate, "referenceDate");
        this.organizations = copies(organizations);
        this.practitioners = copies(practitioners);
        this.practitionerRoles = copies(practitionerRoles);
        this.patients = copies(patients);
        this.relatedPersons = copies(relatedPersons);
        this.encounters = copies(encounters);
        this.minimalPatientIds = Collections.unmodifiableSet(new LinkedHashSet<>(minimalPatientIds));
    }

    /** @return the seed the dataset was generated from */
    public long seed() {
        return seed;
    }

    /** @return the date ages and event dates were computed back from */
    public LocalDate referenceDate() {
        return referenceDate;
    }

    /** @return the GP practices, in id order */
    public List<Organization> organizations() {
        return copies(organizations);
    }

    /** @return the GPs, in id order */
    public List<Practitioner> practitioners() {
        return copies(practitioners);
    }

    /** @return one role per GP, linking the GP to the practice */
    public List<PractitionerRole> practitionerRoles() {
        return copies(practitionerRoles);
    }

    /** @return the patients, in id order */
    public List<Patient> patients() {
        return copies(patients);
    }

    /** @return the related persons, grouped by patient */
    public List<RelatedPerson> relatedPersons() {
        return copies(relatedPersons);
    }

    /** @return the encounters, grouped by patient, oldest first within a patient */
    public List<Encounter> encounters() {
        return copies(encounters);
    }

    /**
     * Ids of the deliberately minimal patients: they carry an NHS number, a name, gender, birth date,
     * registration (GP, practice), security label and narrative, and nothing else.
     *
     * @return an unmodifiable set in id order; empty when minimal patients were switched off
     */
    public Set<String> minimalPatientIds() {
        return minimalPatientIds;
    }

    /**
     * Every resource in load order: organisations, practitioners, practitioner roles, patients, related
     * persons, encounters. Each resource comes after everything it references.
     *
     * @return an unmodifiable list of fresh copies
     */
    public List<Resource> allResources() {
        List<Resource> all = new ArrayList<>();
        all.addAll(organizations);
        all.addAll(practitioners);
        all.addAll(practitionerRoles);
        all.addAll(patients);
        all.addAll(relatedPersons);
        all.addAll(encounters);
        return copies(all);
    }

    /**
     * Transaction bundles that load the dataset into any FHIR R4 server with client-assigned ids: every
     * entry is {@code PUT Type/id}, so loading twice leaves the server as after the first load. Bundles
     * follow {@link #allResources()} order, so practices and practitioners are loaded before patients,
     * and patients before related persons and encounters.
     *
     * @param maxEntriesPerBundle at least 1
     * @return the bundles, in the order they must be sent
     * @throws IllegalArgumentException when {@code maxEntriesPerBundle} is less than 1
     */
    public List<Bundle> toTransactionBundles(int maxEntriesPerBundle) {
        return TransactionBundles.chunk(allResources(), maxEntriesPerBundle);
    }

    /**
     * All resources in one bundle of type {@code collection}, in {@link #allResources()} order, each entry
     * with a {@code urn:uuid:} full URL derived from its type and id.
     *
     * @return a new bundle
     */
    public Bundle toCollectionBundle() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        for (Resource resource : allResources()) {
            bundle.addEntry().setFullUrl(TransactionBundles.fullUrl(resource)).setResource(resource);
        }
        return bundle;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Resource> List<T> copies(List<? extends T> resources) {
        List<T> copies = new ArrayList<>(resources.size());
        for (T resource : resources) {
            copies.add((T) resource.copy());
        }
        return Collections.unmodifiableList(copies);
    }
}

package org.disclosureguard.profiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the guard's FHIR R4 conformance resources on the classpath and names their canonical URLs.
 *
 * <p>The resources live in the classpath folder {@value #RESOURCE_FOLDER}; its file
 * {@value #INDEX_FILE} lists every resource file name, one a line (blank lines and lines starting
 * with {@code #} are ignored). {@link #resourcePaths()} returns the listed files as classpath paths
 * and {@link #open(String)} opens one of them.
 *
 * <p>Thread-safety: every method may be called from any thread. The index is read on first use
 * and kept as an immutable list (threads racing on first use may each read it; they get equal
 * lists). Nullability: no method accepts or returns {@code null}.
 */
public final class FhirProfiles {

    /** Classpath folder that holds the resources (no leading slash, trailing slash). */
    public static final String RESOURCE_FOLDER = "org/disclosureguard/fhir/";

    /** Name of the index file inside {@link #RESOURCE_FOLDER}. */
    public static final String INDEX_FILE = "index.txt";

    /** Base of every canonical URL the guard defines. */
    public static final String CANONICAL_BASE = "https://fhir.disclosureguard.org/";

    /** Version of every conformance resource the guard defines. */
    public static final String RESOURCES_VERSION = "0.1.0";

    /** CodeSystem: information-sensitivity codes v3-ActCode lacks (NATIONALITY, LANGUAGE). */
    public static final String SENSITIVITY_CODE_SYSTEM = CANONICAL_BASE + "CodeSystem/sensitivity";

    /** CodeSystem: purposes of use v3-ActReason lacks (IMMIGENF, CRIMEPREV, SAFEGUARD, BENEFITFRAUD). */
    public static final String PURPOSE_OF_USE_CODE_SYSTEM = CANONICAL_BASE + "CodeSystem/purpose-of-use";

    /** CodeSystem: legal bases a requester cites (DEPORT-SERIOUS-CRIME, COURT-ORDER, ...). */
    public static final String LEGAL_BASIS_CODE_SYSTEM = CANONICAL_BASE + "CodeSystem/legal-basis";

    /** CodeSystem: classes of requester (practice, police, immigration-enforcement, ...). */
    public static final String REQUESTER_CLASS_CODE_SYSTEM = CANONICAL_BASE + "CodeSystem/requester-class";

    /** ValueSet: every code of {@link #SENSITIVITY_CODE_SYSTEM}. */
    public static final String SENSITIVITY_VALUE_SET = CANONICAL_BASE + "ValueSet/sensitivity";

    /** ValueSet: every code of {@link #PURPOSE_OF_USE_CODE_SYSTEM}. */
    public static final String PURPOSE_OF_USE_VALUE_SET = CANONICAL_BASE + "ValueSet/purpose-of-use";

    /** ValueSet: every code of {@link #LEGAL_BASIS_CODE_SYSTEM}. */
    public static final String LEGAL_BASIS_VALUE_SET = CANONICAL_BASE + "ValueSet/legal-basis";

    /** ValueSet: every code of {@link #REQUESTER_CLASS_CODE_SYSTEM}. */
    public static final String REQUESTER_CLASS_VALUE_SET = CANONICAL_BASE + "ValueSet/requester-class";

    /**
     * ValueSet: every security label the guard places on data (v3 confidentiality, v3-ActCode
     * sensitivity and handling codes, and {@link #SENSITIVITY_CODE_SYSTEM}).
     */
    public static final String SECURITY_LABELS_VALUE_SET = CANONICAL_BASE + "ValueSet/security-labels";

    /** ConceptMap: {@link #SENSITIVITY_CODE_SYSTEM} to the v3-ActCode sensitivity policies. */
    public static final String SENSITIVITY_TO_V3_ACT_CODE_CONCEPT_MAP =
            CANONICAL_BASE + "ConceptMap/sensitivity-to-v3-actcode";

    /** ConceptMap: {@link #PURPOSE_OF_USE_CODE_SYSTEM} to v3-ActReason. */
    public static final String PURPOSE_TO_V3_ACT_REASON_CONCEPT_MAP =
            CANONICAL_BASE + "ConceptMap/purpose-to-v3-actreason";

    /** HL7 DS4P extension: a security label inline on the element it labels (valueCoding). */
    public static final String DS4P_INLINE_SECURITY_LABEL_EXTENSION =
            "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-sec-label";

    /** HL7 DS4P extension on {@code meta.security}: the policy basis for assigning the label. */
    public static final String DS4P_SECURITY_LABEL_BASIS_EXTENSION =
            "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-sec-label-basis";

    /** HL7 DS4P extension on {@code meta.security}: who assigned the label. */
    public static final String DS4P_SECURITY_LABEL_CLASSIFIER_EXTENSION =
            "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-sec-label-classifier";

    /** Base of the IHE Basic Audit Log Patterns (BALP) canonical URLs; see {@code fhir-profiles/BALP.md}. */
    public static final String BALP_BASE = "https://profiles.ihe.net/ITI/BALP/";

    /** IHE BALP: a successful RESTful read of a resource about a patient (parent {@link #BALP_READ}). */
    public static final String BALP_PATIENT_READ = BALP_BASE + "StructureDefinition/IHE.BasicAudit.PatientRead";

    /** IHE BALP: a successful RESTful read. */
    public static final String BALP_READ = BALP_BASE + "StructureDefinition/IHE.BasicAudit.Read";

    /** IHE BALP: a successful RESTful search about a patient (parent {@link #BALP_QUERY}). */
    public static final String BALP_PATIENT_QUERY = BALP_BASE + "StructureDefinition/IHE.BasicAudit.PatientQuery";

    /** IHE BALP: a successful RESTful search. */
    public static final String BALP_QUERY = BALP_BASE + "StructureDefinition/IHE.BasicAudit.Query";

    /** IHE BALP: an authorization decision (permit or deny) about a patient's data. */
    public static final String BALP_AUTHZ_CONSENT = BALP_BASE + "StructureDefinition/IHE.BasicAudit.AuthZconsent";

    /** IHE BALP: a privacy disclosure, recorded by the source that released the data. */
    public static final String BALP_PRIVACY_DISCLOSURE_SOURCE =
            BALP_BASE + "StructureDefinition/IHE.BasicAudit.PrivacyDisclosure.Source";

    /** IHE BALP CodeSystem of entity types ({@code XrequestId}). */
    public static final String BALP_ENTITY_TYPE_CODE_SYSTEM = BALP_BASE + "CodeSystem/BasicAuditEntityType";

    /** IHE BALP CodeSystem of authorization-decision subtypes ({@code AuthZ-Consent}, {@code AuthZ-Role}). */
    public static final String BALP_AUTHZ_SUBTYPE_CODE_SYSTEM = BALP_BASE + "CodeSystem/AuthZsubType";

    /** The listed paths once read; immutable, published through the volatile write. */
    private static volatile List<String> indexedPaths;

    private FhirProfiles() {
    }

    /**
     * Returns the classpath path of every resource listed in the index, in index order, for example
     * {@code org/disclosureguard/fhir/CodeSystem-dg-sensitivity.json}.
     *
     * @return an unmodifiable, non-empty list without duplicates
     * @throws IllegalStateException if the index is missing, empty or lists a file twice
     */
    public static List<String> resourcePaths() {
        List<String> paths = indexedPaths;
        if (paths == null) {
            paths = readIndex();
            indexedPaths = paths;
        }
        return paths;
    }

    /**
     * Opens one of the resources listed by {@link #resourcePaths()}.
     *
     * @param path a path exactly as returned by {@link #resourcePaths()}
     * @return a new stream over the resource's JSON (UTF-8); the caller must close it
     * @throws IllegalArgumentException if {@code path} is not one of {@link #resourcePaths()}
     * @throws IllegalStateException if the resource is listed but absent from the classpath
     */
    public static InputStream open(String path) {
        Objects.requireNonNull(path, "path");
        List<String> paths = resourcePaths();
        if (!paths.contains(path)) {
            throw new IllegalArgumentException(
                    "Not a Disclosure Guard conformance resource: '" + path + "'; expected one of " + paths);
        }
        InputStream in = loader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(
                    "Conformance resource '" + path + "' is listed in " + RESOURCE_FOLDER + INDEX_FILE
                            + " but missing from the classpath");
        }
        return in;
    }

    private static ClassLoader loader() {
        ClassLoader loader = FhirProfiles.class.getClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    private static List<String> readIndex() {
        String indexPath = RESOURCE_FOLDER + INDEX_FILE;
        InputStream in = loader().getResourceAsStream(indexPath);
        if (in == null) {
            throw new IllegalStateException("Missing classpath resource " + indexPath);
        }
        Set<String> paths = new LinkedHashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                if (name.contains("/") || name.contains("\\")) {
                    throw new IllegalStateException(indexPath + " must list plain file names, found '" + name + "'");
                }
                if (!paths.add(RESOURCE_FOLDER + name)) {
                    throw new IllegalStateException(indexPath + " lists '" + name + "' twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + indexPath, e);
        }
        if (paths.isEmpty()) {
            throw new IllegalStateException(indexPath + " lists no resources");
        }
        return List.copyOf(paths);
    }
}

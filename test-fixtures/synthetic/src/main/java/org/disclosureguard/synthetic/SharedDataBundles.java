package org.disclosureguard.synthetic;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.util.FhirTerser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the project's shared real-world FHIR files into transaction bundles that load into a HAPI JPA
 * server (or any FHIR R4 server that accepts client-assigned ids, including purely numeric ones such as
 * PDS's {@code 9000000009}).
 *
 * <p>What is read, relative to the shared-data directory, in this load order:
 * <ol>
 *   <li>PDS sandbox patients: {@code pds/Patient.json}, {@code pds/Sensitive_Patient.json},
 *       {@code pds/PatientCompoundName.json} (a searchset; its Patient entries), {@code pds/Minimal_Patient.json},
 *       {@code pds/Patient-Jayne-Smyth.json}. A file that does not parse, or is neither a Patient nor a
 *       Bundle holding Patients, is skipped and logged.</li>
 *   <li>PDS related persons: the RelatedPerson entries of every {@code pds/*RelatedPersonBundle.json}.</li>
 *   <li>Synthea {@code synthea/10-patients/}: {@code Organization}, {@code Location}, {@code Practitioner},
 *       {@code Patient} and {@code Encounter} NDJSON files, one resource a line.</li>
 * </ol>
 *
 * <p>Changes made so that a server accepts the resources, and nothing else:
 * <ul>
 *   <li>Conditional references ({@code Practitioner?identifier=system|value}, as Synthea writes them) are
 *       rewritten to the literal reference ({@code Practitioner/id}) of the loaded resource carrying that
 *       identifier; when no loaded resource matches, the reference text is dropped and its display kept.</li>
 *   <li>Literal relative references to resources that are not loaded are dropped the same way.</li>
 *   <li>A PDS RelatedPerson's patient, given by NHS number only (or, in one sandbox file, not at all but in
 *       the entry's full URL), gains the literal reference {@code Patient/<nhs number>} when that patient is
 *       loaded; the identifier is kept.</li>
 *   <li>Server-assigned {@code meta.versionId} and {@code meta.lastUpdated} are removed.</li>
 * </ul>
 * Logical references by identifier only (PDS's GP practice and pharmacy references, Synthea's
 * {@code Location.managingOrganization}) are kept as they are.
 *
 * <p>Stateless; all methods are thread-safe. Arguments must not be {@code null}.
 */
public final class SharedDataBundles {

    /** Entries per transaction bundle unless told otherwise. */
    public static final int DEFAULT_MAX_ENTRIES_PER_BUNDLE = 100;

    /** The PDS files holding patients, in load order. */
    public static final List<String> PDS_PATIENT_FILES = List.of(
            "pds/Patient.json",
            "pds/Sensitive_Patient.json",
            "pds/PatientCompoundName.json",
            "pds/Minimal_Patient.json",
            "pds/Patient-Jayne-Smyth.json");

    /** The Synthea NDJSON files, in load order (each after what it references). */
    public static final List<String> SYNTHEA_FILES = List.of(
            "synthea/10-patients/Organization.ndjson",
            "synthea/10-patients/Location.ndjson",
            "synthea/10-patients/Practitioner.ndjson",
            "synthea/10-patients/Patient.ndjson",
            "synthea/10-patients/Encounter.ndjson");

    private static final Logger LOG = LoggerFactory.getLogger(SharedDataBundles.class);
    private static final Pattern CONDITIONAL = Pattern.compile("^([A-Za-z]+)\\?identifier=([^&]*)$");
    private static final Pattern RELATIVE = Pattern.compile("^([A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})$");
    private static final Pattern PDS_RELATED_FULL_URL = Pattern.compile("/Patient/([0-9]{10})/RelatedPerson/");

    private SharedDataBundles() {
    }

    /**
     * Reads the shared data and returns transaction bundles of at most
     * {@value #DEFAULT_MAX_ENTRIES_PER_BUNDLE} {@code PUT} entries, to be sent in order.
     *
     * @param sharedDataDirectory the directory holding {@code pds/} and {@code synthea/}
     * @return the bundles in load order
     * @throws IllegalArgumentException (code DG-9201) when the directory does not exist
     * @throws UncheckedIOException when a file exists but cannot be read
     */
    public static List<Bundle> fromDirectory(Path sharedDataDirectory) {
        return fromDirectory(sharedDataDirectory, DEFAULT_MAX_ENTRIES_PER_BUNDLE);
    }

    /**
     * Reads the shared data and returns transaction bundles of {@code PUT} entries, to be sent in order.
     *
     * @param sharedDataDirectory the directory holding {@code pds/} and {@code synthea/}
     * @param maxEntriesPerBundle at least 1
     * @return the bundles in load order
     * @throws IllegalArgumentException (code DG-9201) when the directory does not exist, or when
     *     {@code maxEntriesPerBundle} is less than 1
     * @throws UncheckedIOException when a file exists but cannot be read
     */
    public static List<Bundle> fromDirectory(Path sharedDataDirectory, int maxEntriesPerBundle) {
        return TransactionBundles.chunk(resourcesFromDirectory(sharedDataDirectory), maxEntriesPerBundle);
    }

    /**
     * Reads the shared data and returns the prepared resources (references rewritten as described above),
     * in load order, without bundling them.
     *
     * @param sharedDataDirectory the directory holding {@code pds/} and {@code synthea/}
     * @return a new modifiable list
     * @throws IllegalArgumentException (code DG-9201) when the directory does not exist
     * @throws UncheckedIOException when a file exists but cannot be read
     */
    public static List<Resource> resourcesFromDirectory(Path sharedDataDirectory) {
        Objects.requireNonNull(sharedDataDirectory, "sharedDataDirectory");
        if (!Files.isDirectory(sharedDataDirectory)) {
            throw new IllegalArgumentException("DG-9201: shared data directory " + sharedDataDirectory.toAbsolutePath()
                    + " does not exist or is not a directory; pass the folder that holds pds/ and synthea/"
                    + " (in the repository's CI: ../shared/data beside the checkout)");
        }
        FhirContext context = FhirContext.forR4Cached();
        IParser parser = context.newJsonParser();
        Map<String, Resource> loaded = new LinkedHashMap<>();
        Map<String, String> relatedPatientHints = new HashMap<>();

        for (String name : PDS_PATIENT_FILES) {
            readPdsPatients(parser, sharedDataDirectory.resolve(name)).forEach(r -> add(loaded, r));
        }
        for (Path file : relatedPersonBundles(sharedDataDirectory.resolve("pds"))) {
            for (Bundle.BundleEntryComponent entry : readBundleEntries(parser, file, "RelatedPerson")) {
                Resource resource = entry.getResource();
                Matcher matcher = PDS_RELATED_FULL_URL.matcher(entry.hasFullUrl() ? entry.getFullUrl() : "");
                if (matcher.find()) {
                    relatedPatientHints.put(key(resource), matcher.group(1));
                }
                add(loaded, resource);
            }
        }
        for (String name : SYNTHEA_FILES) {
            readNdjson(parser, sharedDataDirectory.resolve(name)).forEach(r -> add(loaded, r));
        }

        Map<String, String> byIdentifier = identifierIndex(loaded.values());
        FhirTerser terser = context.newTerser();
        int rewritten = 0;
        int dropped = 0;
        for (Resource resource : loaded.values()) {
            resource.getMeta().setVersionIdElement(null);
            resource.getMeta().setLastUpdatedElement(null);
            if (resource instanceof RelatedPerson relatedPerson) {
                linkPdsPatient(relatedPerson, relatedPatientHints.get(key(resource)), loaded);
            }
            for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                String text = reference.getReference();
                if (text == null || text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                Matcher conditional = CONDITIONAL.matcher(text);
                if (conditional.matches()) {
                    String criteria = conditional.group(2).contains("%")
                            ? URLDecoder.decode(conditional.group(2), StandardCharsets.UTF_8) : conditional.group(2);
                    String target = byIdentifier.get(conditional.group(1) + "|" + criteria);
                    if (target != null) {
                        reference.setReference(target);
                        rewritten++;
                    } else {
                        LOG.warn("Dropping unresolvable conditional reference {} in {}", text, key(resource));
                        reference.setReferenceElement((StringType) null);
                        dropped++;
                    }
                    continue;
                }
                Matcher relative = RELATIVE.matcher(text);
                if (relative.matches() && !loaded.containsKey(text)) {
                    LOG.warn("Dropping reference {} in {}: the target is not part of the shared data", text, key(resource));
                    reference.setReferenceElement((StringType) null);
                    dropped++;
                }
            }
        }
        LOG.info("Shared data from {}: {} resources, {} conditional references rewritten, {} dropped",
                sharedDataDirectory, loaded.size(), rewritten, dropped);
        return new ArrayList<>(loaded.values());
    }

    private static List<Resource> readPdsPatients(IParser parser, Path file) {
        Optional<IBaseResource> parsed = parseFile(parser, file);
        if (parsed.isEmpty()) {
            return List.of();
        }
        IBaseResource resource = parsed.get();
        if (resource instanceof Patient patient) {
            return List.of(patient);
        }
        if (resource instanceof Bundle bundle) {
            List<Resource> patients = new ArrayList<>();
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof Patient patient) {
                    patients.add(patient);
                }
            }
            if (patients.isEmpty()) {
                LOG.warn("Skipping {}: a Bundle without Patient entries", file);
            }
            return patients;
        }
        LOG.warn("Skipping {}: expected a Patient or a Bundle of Patients, found {}", file, resource.fhirType());
        return List.of();
    }

    private static List<Bundle.BundleEntryComponent> readBundleEntries(IParser parser, Path file, String type) {
        Optional<IBaseResource> parsed = parseFile(parser, file);
        if (parsed.isEmpty()) {
            return List.of();
        }
        if (!(parsed.get() instanceof Bundle bundle)) {
            LOG.warn("Skipping {}: expected a Bundle of {}, found {}", file, type, parsed.get().fhirType());
            return List.of();
        }
        List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.hasResource() && type.equals(entry.getResource().fhirType())) {
                entries.add(entry);
            } else {
                LOG.warn("Skipping an entry of {}: expected {}", file, type);
            }
        }
        return entries;
    }

    private static Optional<IBaseResource> parseFile(IParser parser, Path file) {
        if (!Files.isRegularFile(file)) {
            LOG.warn("Skipping {}: no such file", file);
            return Optional.empty();
        }
        try {
            return Optional.of(parser.parseResource(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (DataFormatException | IllegalArgumentException e) {
            LOG.warn("Skipping {}: not a FHIR R4 resource ({})", file, e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("DG-9202: cannot read " + file, e);
        }
    }

    private static List<Resource> readNdjson(IParser parser, Path file) {
        if (!Files.isRegularFile(file)) {
            LOG.warn("Skipping {}: no such file", file);
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("DG-9202: cannot read " + file, e);
        }
        List<Resource> resources = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                resources.add((Resource) parser.parseResource(line));
            } catch (DataFormatException | IllegalArgumentException e) {
                LOG.warn("Skipping line {} of {}: {}", i + 1, file, e.getMessage());
            }
        }
        return resources;
    }

    private static List<Path> relatedPersonBundles(Path pdsDirectory) {
        if (!Files.isDirectory(pdsDirectory)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(pdsDirectory, "*RelatedPersonBundle.json")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("DG-9202: cannot list " + pdsDirectory, e);
        }
        files.sort(null);
        return files;
    }

    private static void add(Map<String, Resource> loaded, Resource resource) {
        if (!resource.getIdElement().hasIdPart()) {
            LOG.warn("Skipping a {} without an id", resource.fhirType());
            return;
        }
        // Ids from bundle entries may carry the entry's full URL; keep only the logical id.
        resource.setId(resource.getIdElement().getIdPart());
        String key = key(resource);
        if (loaded.putIfAbsent(key, resource) != null) {
            LOG.info("Skipping a second copy of {}", key);
        }
    }

    private static Map<String, String> identifierIndex(Iterable<Resource> resources) {
        Map<String, String> index = new HashMap<>();
        FhirTerser terser = FhirContext.forR4Cached().newTerser();
        for (Resource resource : resources) {
            for (Identifier identifier : resourceIdentifiers(terser, resource)) {
                if (identifier.hasValue()) {
                    String system = identifier.hasSystem() ? identifier.getSystem() : "";
                    index.putIfAbsent(resource.fhirType() + "|" + system + "|" + identifier.getValue(), key(resource));
                    index.putIfAbsent(resource.fhirType() + "|" + identifier.getValue(), key(resource));
                }
            }
        }
        return index;
    }

    /** The resource's own identifiers (the top-level {@code identifier} element), not those inside references. */
    private static List<Identifier> resourceIdentifiers(FhirTerser terser, Resource resource) {
        if (resource.getChildByName("identifier") == null) {
            return List.of();
        }
        return terser.getValues(resource, resource.fhirType() + ".identifier", Identifier.class);
    }

    private static void linkPdsPatient(RelatedPerson relatedPerson, String nhsNumberFromFullUrl, Map<String, Resource> loaded) {
        Reference patient = relatedPerson.getPatient();
        if (patient.hasReference()) {
            return;
        }
        String nhsNumber = patient.hasIdentifier() && NhsNumber.SYSTEM.equals(patient.getIdentifier().getSystem())
                ? patient.getIdentifier().getValue() : nhsNumberFromFullUrl;
        if (nhsNumber == null) {
            LOG.warn("{} names no patient", key(relatedPerson));
            return;
        }
        if (!patient.hasIdentifier()) {
            patient.setIdentifier(new Identifier().setSystem(NhsNumber.SYSTEM).setValue(nhsNumber));
        }
        if (loaded.containsKey("Patient/" + nhsNumber)) {
            patient.setReference("Patient/" + nhsNumber);
        }
        relatedPerson.setPatient(patient);
    }

    private static String key(Resource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
}

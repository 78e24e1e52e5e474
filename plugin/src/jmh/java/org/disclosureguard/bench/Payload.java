package org.disclosureguard.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;

/**
 * The FHIR JSON payloads the benchmarks run on, read from the project's shared real-world data (see
 * {@link SharedData}). Each constant knows how to produce the exact bytes an upstream FHIR server would send the
 * guard, and how many resources in it the default label configuration labels.
 *
 * <p>The searchsets are built from the first 100 or 1,000 lines of the Synthea {@code Patient.ndjson} files the
 * way a HAPI FHIR JPA server returns a search page: HAPI's JSON encoding (compact), one entry per patient with a
 * {@code fullUrl}, {@code search.mode = match}, a {@code self} link and {@code total}, and {@code meta.versionId}
 * and {@code meta.lastUpdated} on every resource. Times and ids are fixed so the bytes are the same on every run.
 *
 * <p>Immutable and thread-safe.
 */
public enum Payload {

    /** NHS England PDS sandbox {@code pds/Patient.json} as published (pretty-printed, UK Core extensions). */
    PDS_PATIENT(1) {
        @Override
        byte[] load(FhirContext fhir, Path data) throws IOException {
            return Files.readAllBytes(data.resolve("pds/Patient.json"));
        }
    },

    /** The first Synthea patient of {@code synthea/100-patients/Patient.ndjson}, as one compact line. */
    SYNTHEA_PATIENT(1) {
        @Override
        byte[] load(FhirContext fhir, Path data) throws IOException {
            return ndjsonLines(data.resolve("synthea/100-patients/Patient.ndjson"), 1).get(0)
                    .getBytes(StandardCharsets.UTF_8);
        }
    },

    /** A searchset Bundle of the first 100 patients of {@code synthea/100-patients/Patient.ndjson}. */
    SYNTHEA_SEARCHSET_100(100) {
        @Override
        byte[] load(FhirContext fhir, Path data) throws IOException {
            return searchset(fhir, ndjsonLines(data.resolve("synthea/100-patients/Patient.ndjson"), 100));
        }
    },

    /** A searchset Bundle of the first 1,000 patients of {@code synthea/1000-patients/Patient.ndjson}. */
    SYNTHEA_SEARCHSET_1000(1000) {
        @Override
        byte[] load(FhirContext fhir, Path data) throws IOException {
            return searchset(fhir, ndjsonLines(data.resolve("synthea/1000-patients/Patient.ndjson"), 1000));
        }
    };

    /** The practice server base the searchset links and full URLs point at. */
    static final String UPSTREAM_BASE = "http://localhost:8090/fhir";

    private static final Date LAST_UPDATED = Date.from(Instant.parse("2026-01-05T09:30:00Z"));

    private final int labelledResources;

    Payload(int labelledResources) {
        this.labelledResources = labelledResources;
    }

    /**
     * Produces the payload's bytes.
     *
     * @param data the shared data directory
     * @throws IOException if a data file cannot be read
     * @throws IllegalStateException if a data file has fewer resources than the payload needs
     */
    abstract byte[] load(FhirContext fhir, Path data) throws IOException;

    /** How many resources in the payload the default label configuration labels. */
    int labelledResources() {
        return labelledResources;
    }

    private static List<String> ndjsonLines(Path file, int count) throws IOException {
        List<String> lines;
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            lines = all.filter(line -> !line.isBlank()).limit(count).toList();
        }
        if (lines.size() < count) {
            throw new IllegalStateException(file + " has " + lines.size() + " resources; the payload needs " + count);
        }
        return lines;
    }

    private static byte[] searchset(FhirContext fhir, List<String> patientLines) {
        IParser parser = fhir.newJsonParser();
        Bundle bundle = new Bundle();
        bundle.setId("bench-searchset-" + patientLines.size());
        bundle.getMeta().setLastUpdated(LAST_UPDATED);
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(patientLines.size());
        bundle.addLink().setRelation("self").setUrl(UPSTREAM_BASE + "/Patient?_count=" + patientLines.size());
        for (String line : patientLines) {
            Patient patient = parser.parseResource(Patient.class, line);
            patient.getMeta().setVersionId("1").setLastUpdated(LAST_UPDATED);
            bundle.addEntry()
                    .setFullUrl(UPSTREAM_BASE + "/Patient/" + patient.getIdElement().getIdPart())
                    .setResource(patient)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return parser.encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
    }
}

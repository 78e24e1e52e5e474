package org.disclosureguard.bench.load;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.disclosureguard.synthetic.FhirServerLoader;
import org.disclosureguard.synthetic.SharedDataBundles;
import org.disclosureguard.synthetic.SyntheticUkGenerator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the load benchmark puts into the practice server: the PDS sandbox patient {@value #PDS_PATIENT}, the
 * synthetic UK dataset (seed {@value #SEED}, {@value #SYNTHETIC_PATIENTS} patients, with their practices,
 * practitioners, related persons and encounters) and every Synthea patient of {@value #SYNTHEA_FILE}, in
 * transactions of at most {@value #PER_TRANSACTION} {@code PUT} entries. More than 1,000 patients in all, so a
 * {@code _count=1000} search fills its page. Stateless.
 */
final class PracticeData {

    static final String PDS_PATIENT = "Patient/9000000009";
    static final String GENERATED_PATIENT = "Patient/dg-pat-0001";
    static final long SEED = 42;
    static final int SYNTHETIC_PATIENTS = 50;
    static final String SYNTHEA_FILE = "synthea/1000-patients/Patient.ndjson";
    static final int PER_TRANSACTION = 100;

    private PracticeData() {}

    /**
     * Loads everything into the server at {@code base}.
     *
     * @return the number of patients loaded
     */
    static int load(URI base, Path sharedData) {
        FhirServerLoader loader = new FhirServerLoader(base);
        int patients = 0;

        Resource pds = SharedDataBundles.resourcesFromDirectory(sharedData).stream()
                .filter(r -> (r.fhirType() + "/" + r.getIdElement().getIdPart()).equals(PDS_PATIENT))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(PDS_PATIENT + " is not in " + sharedData.resolve("pds")));
        loader.loadAll(transactions(List.of(pds)));
        patients++;

        loader.loadAll(new SyntheticUkGenerator(SEED).patients(SYNTHETIC_PATIENTS).generate()
                .toTransactionBundles(PER_TRANSACTION));
        patients += SYNTHETIC_PATIENTS;

        List<Resource> synthea = syntheaPatients(sharedData.resolve(SYNTHEA_FILE));
        loader.loadAll(transactions(synthea));
        patients += synthea.size();
        return patients;
    }

    private static List<Resource> syntheaPatients(Path file) {
        IParser parser = FhirContext.forR4Cached().newJsonParser();
        List<Resource> patients = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    Patient patient = parser.parseResource(Patient.class, line);
                    patient.setId(patient.getIdElement().getIdPart());
                    patient.getMeta().setVersionIdElement(null);
                    patient.getMeta().setLastUpdatedElement(null);
                    patients.add(patient);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return patients;
    }

    private static List<Bundle> transactions(List<Resource> resources) {
        List<Bundle> bundles = new ArrayList<>();
        for (int from = 0; from < resources.size(); from += PER_TRANSACTION) {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            for (Resource resource : resources.subList(from, Math.min(resources.size(), from + PER_TRANSACTION))) {
                String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
                bundle.addEntry()
                        .setFullUrl("urn:uuid:" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)))
                        .setResource(resource)
                        .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(key);
            }
            bundles.add(bundle);
        }
        return bundles;
    }
}

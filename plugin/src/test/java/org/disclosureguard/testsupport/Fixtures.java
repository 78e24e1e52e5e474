package org.disclosureguard.testsupport;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.disclosureguard.synthetic.SyntheticDataset;
import org.disclosureguard.synthetic.SyntheticUkGenerator;
import org.hl7.fhir.r4.model.Resource;

/**
 * Every FHIR fixture the labelling tests run over, by name: the real PDS sandbox patients and RelatedPerson
 * bundles, searchsets of the 100 Synthea patients, the Synthea practitioners, and the synthetic UK patients
 * (seed 42) with their related persons and GPs.
 */
public final class Fixtures {

    private Fixtures() {}

    /** Fixture name to FHIR JSON. */
    public static Map<String, String> all(FhirContext fhir) {
        Map<String, String> fixtures = new LinkedHashMap<>();
        for (String pds : List.of("Patient.json", "Sensitive_Patient.json", "PatientCompoundName.json",
                "Minimal_Patient.json", "PatientSearch.json", "Sensitive_PatientSearch.json",
                "RelatedPersonBundle.json", "Personal_Details_RelatedPersonBundle.json",
                "Referenced_RelatedPersonBundle.json", "searchsets/general_practitioner_searchset.json",
                "searchsets/multimatch_phoneAndEmail_searchset.json")) {
            fixtures.put("pds/" + pds, SharedData.read("pds/" + pds));
        }
        List<String> synthea = SharedData.ndjson("synthea/100-patients/Patient.ndjson");
        fixtures.put("synthea/100 patients searchset", SharedData.searchset(synthea, "http://upstream.test/fhir"));
        int i = 0;
        for (String practitioner : SharedData.ndjson("synthea/10-patients/Practitioner.ndjson")) {
            fixtures.put("synthea/practitioner " + i++, practitioner);
        }
        SyntheticDataset dataset = new SyntheticUkGenerator(42).patients(50).generate();
        List<Resource> synthetic = new ArrayList<>();
        synthetic.addAll(dataset.patients());
        synthetic.addAll(dataset.relatedPersons());
        synthetic.addAll(dataset.practitioners());
        for (Resource resource : synthetic) {
            fixtures.put("synthetic/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart(),
                    fhir.newJsonParser().encodeResourceToString(resource));
        }
        return fixtures;
    }
}

package org.disclosureguard.gateway;

import java.util.Objects;

/**
 * A patient whose data a request released, as the practice's record named them at that moment: whom to tell
 * (the registered clinician) and how to name them (the NHS number). Taken from the Patient resource before any
 * redaction, so that a redacted disclosure still reaches the patient's clinician. Immutable.
 *
 * @param id the patient's logical id, never blank
 * @param generalPractitioner the first {@code Patient.generalPractitioner} relative reference
 *     ({@code Practitioner/abc}), or empty when it is unknown (the Patient was not released) or absent
 * @param nhsNumber the NHS number, or empty when unknown
 */
public record PatientOnRecord(String id, String generalPractitioner, String nhsNumber) {

    public PatientOnRecord {
        Objects.requireNonNull(id, "id");
        generalPractitioner = generalPractitioner == null ? "" : generalPractitioner;
        nhsNumber = nhsNumber == null ? "" : nhsNumber;
    }
}

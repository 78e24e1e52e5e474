package org.disclosureguard.notification;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One patient a disclosure is about, as the gateway knows them when it records the disclosure: the patient's
 * logical id in the practice's FHIR server, the registered clinician to tell ({@code Patient.generalPractitioner})
 * and the NHS number, kept only in masked form. Immutable.
 *
 * @param patientId the patient's logical id in the practice server, never blank
 * @param clinicianReference the registered clinician as a relative reference ({@code Practitioner/abc},
 *     {@code PractitionerRole/abc} or {@code Organization/abc}), or empty when the patient has none on record
 * @param maskedNhsNumber the NHS number with all but its last four digits hidden ({@code *** *** 0009}), or empty
 */
public record NoticeSubject(String patientId, String clinicianReference, String maskedNhsNumber) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern CLINICIAN =
            Pattern.compile("(Practitioner|PractitionerRole|Organization)/[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern MASKED = Pattern.compile("\\*\\*\\* \\*\\*\\* [0-9]{4}");

    public NoticeSubject {
        Objects.requireNonNull(patientId, "patientId");
        if (!ID.matcher(patientId).matches()) {
            throw new IllegalArgumentException("DG-6001: not a FHIR logical id for the patient: '" + patientId + "'");
        }
        clinicianReference = clinicianReference == null ? "" : clinicianReference;
        if (!clinicianReference.isEmpty() && !CLINICIAN.matcher(clinicianReference).matches()) {
            throw new IllegalArgumentException("DG-6002: the registered clinician must be a relative reference to a "
                    + "Practitioner, PractitionerRole or Organization (for example Practitioner/abc), not '"
                    + clinicianReference + "'");
        }
        maskedNhsNumber = maskedNhsNumber == null ? "" : maskedNhsNumber;
        if (!maskedNhsNumber.isEmpty() && !MASKED.matcher(maskedNhsNumber).matches()) {
            throw new IllegalArgumentException("DG-6003: a masked NHS number looks like '*** *** 0009'; use "
                    + "NoticeSubject.of(...) to mask a full one");
        }
    }

    /**
     * A subject from the patient's full NHS number, which is masked at once and not kept.
     *
     * @param nhsNumber ten digits, spaces allowed ({@code 900 000 0009}), or {@code null}/blank when unknown
     * @throws IllegalArgumentException when the NHS number is not ten digits
     */
    public static NoticeSubject of(String patientId, String clinicianReference, String nhsNumber) {
        return new NoticeSubject(patientId, clinicianReference, mask(nhsNumber));
    }

    /**
     * Masks an NHS number to its last four digits: {@code 9000000009} becomes {@code *** *** 0009}.
     *
     * @return the masked number, or empty for {@code null}/blank
     * @throws IllegalArgumentException when it is not ten digits (the message does not repeat the input)
     */
    public static String mask(String nhsNumber) {
        if (nhsNumber == null || nhsNumber.isBlank()) {
            return "";
        }
        String digits = nhsNumber.replace(" ", "");
        if (digits.length() != 10 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new IllegalArgumentException("DG-6004: an NHS number has ten digits");
        }
        return "*** *** " + digits.substring(6);
    }
}

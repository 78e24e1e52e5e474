package org.disclosureguard.notification;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the patient's registered clinician is told about one disclosure of one patient's data: who received it,
 * when, why and on what basis, what kinds of records, and where the details are. A notice of a restricted-record kind
 * ({@link #restricted()}) tells instead that a request for a restricted patient's record was held for review or
 * refused; it lists no records, since nothing was released. Thin by design: it never carries
 * the disclosed data, the request as sent, or any identifier of the patient beyond the logical id in the
 * practice's own server and a masked NHS number. Immutable; built by {@link NoticeFactory}, stored in the outbox as
 * JSON ({@link NoticeJson}) and rendered by each channel ({@link NoticeText}).
 *
 * @param noticeId a stable id (UUID), the same on every delivery attempt and every channel: the idempotency key
 * @param auditSeq the sequence number of the audit entry that recorded the disclosure
 * @param requestId the guard's request id
 * @param time when the disclosure was decided
 * @param patientId the patient's logical id in the practice server
 * @param maskedNhsNumber {@code *** *** 0009}, or empty
 * @param clinicianReference the registered clinician ({@code Practitioner/abc}), or empty when none is on record
 * @param organisation the requester's organisation, or empty
 * @param requesterClass the requester class code ({@code police}), or empty
 * @param requesterClassText the requester class in plain words ({@code police}), or empty
 * @param purposeOfUse the purpose-of-use code, or empty
 * @param purposeOfUseText the purpose in plain words, or empty
 * @param legalBasis the legal-basis code, or empty
 * @param legalBasisText the legal basis in plain words, or empty
 * @param caseReference the requester's case reference, or empty
 * @param records resource types released with how many of each, in first-seen order
 * @param withheldElements how many elements were withheld
 * @param reviewer the Caldicott Guardian who approved the release, or empty
 * @param detailsLink where the details are in the practice's own system, or empty when no base URL is configured
 * @param kind what the notice is about: {@link #DISCLOSURE} (data was released), {@link #RESTRICTED_HELD} (a request
 *     for a restricted record was held for review; nothing released) or {@link #RESTRICTED_REFUSED} (a request for a
 *     restricted record was refused; nothing released) or {@link #TRACING_ALERT} (a requester's pattern of requests
 *     looked like tracing; sent to the Caldicott Guardian)
 * @param alert for a {@link #TRACING_ALERT}, what was seen, in one line that names no patient
 *     ({@code 12 refused searches by requester met-1 within 10 minutes (threshold 10)}); otherwise empty
 */
public record Notice(
        String noticeId,
        long auditSeq,
        String requestId,
        Instant time,
        String patientId,
        String maskedNhsNumber,
        String clinicianReference,
        String organisation,
        String requesterClass,
        String requesterClassText,
        String purposeOfUse,
        String purposeOfUseText,
        String legalBasis,
        String legalBasisText,
        String caseReference,
        Map<String, Integer> records,
        int withheldElements,
        String reviewer,
        String detailsLink,
        String kind,
        String alert) {

    /** The kind of a notice about data released to an outside party. */
    public static final String DISCLOSURE = "disclosure";
    /** The kind of a notice about a request for a restricted patient's record held for review (nothing released). */
    public static final String RESTRICTED_HELD = "restricted-held";
    /** The kind of a notice about a request for a restricted patient's record that was refused (nothing released). */
    public static final String RESTRICTED_REFUSED = "restricted-refused";
    /**
     * The kind of a tracing alert to the Caldicott Guardian: no patient ({@code patientId} empty), the recipient in
     * {@code clinicianReference}, what was seen in {@code alert}, where to look in {@code detailsLink}.
     */
    public static final String TRACING_ALERT = "tracing-alert";

    public Notice {
        Objects.requireNonNull(noticeId, "noticeId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(patientId, "patientId");
        maskedNhsNumber = orEmpty(maskedNhsNumber);
        clinicianReference = orEmpty(clinicianReference);
        organisation = orEmpty(organisation);
        requesterClass = orEmpty(requesterClass);
        requesterClassText = orEmpty(requesterClassText);
        purposeOfUse = orEmpty(purposeOfUse);
        purposeOfUseText = orEmpty(purposeOfUseText);
        legalBasis = orEmpty(legalBasis);
        legalBasisText = orEmpty(legalBasisText);
        caseReference = orEmpty(caseReference);
        records = java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(Objects.requireNonNull(records, "records")));
        reviewer = orEmpty(reviewer);
        detailsLink = orEmpty(detailsLink);
        kind = kind == null || kind.isEmpty() ? DISCLOSURE : kind;
        if (!kind.equals(DISCLOSURE) && !kind.equals(RESTRICTED_HELD) && !kind.equals(RESTRICTED_REFUSED)
                && !kind.equals(TRACING_ALERT)) {
            throw new IllegalArgumentException("Unknown notice kind: " + kind);
        }
        alert = orEmpty(alert);
        if (kind.equals(TRACING_ALERT) != !alert.isEmpty()) {
            throw new IllegalArgumentException("a tracing alert, and only a tracing alert, says what was seen");
        }
    }

    /** A notice that is not a {@link #TRACING_ALERT}; the parameters as in the canonical constructor. */
    public Notice(String noticeId, long auditSeq, String requestId, Instant time, String patientId,
                  String maskedNhsNumber, String clinicianReference, String organisation, String requesterClass,
                  String requesterClassText, String purposeOfUse, String purposeOfUseText, String legalBasis,
                  String legalBasisText, String caseReference, Map<String, Integer> records, int withheldElements,
                  String reviewer, String detailsLink, String kind) {
        this(noticeId, auditSeq, requestId, time, patientId, maskedNhsNumber, clinicianReference, organisation,
                requesterClass, requesterClassText, purposeOfUse, purposeOfUseText, legalBasis, legalBasisText,
                caseReference, records, withheldElements, reviewer, detailsLink, kind, "");
    }

    /** A {@link #DISCLOSURE} notice; the parameters as in the canonical constructor. */
    public Notice(String noticeId, long auditSeq, String requestId, Instant time, String patientId,
                  String maskedNhsNumber, String clinicianReference, String organisation, String requesterClass,
                  String requesterClassText, String purposeOfUse, String purposeOfUseText, String legalBasis,
                  String legalBasisText, String caseReference, Map<String, Integer> records, int withheldElements,
                  String reviewer, String detailsLink) {
        this(noticeId, auditSeq, requestId, time, patientId, maskedNhsNumber, clinicianReference, organisation,
                requesterClass, requesterClassText, purposeOfUse, purposeOfUseText, legalBasis, legalBasisText,
                caseReference, records, withheldElements, reviewer, detailsLink, DISCLOSURE);
    }

    /** Whether this notice is about a request for a restricted record that released nothing (held or refused). */
    public boolean restricted() {
        return RESTRICTED_HELD.equals(kind) || RESTRICTED_REFUSED.equals(kind);
    }

    /** Whether this notice is a tracing alert to the Caldicott Guardian. */
    public boolean tracingAlert() {
        return TRACING_ALERT.equals(kind);
    }

    /** The number of resources released, over all types. */
    public int recordCount() {
        return records.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}

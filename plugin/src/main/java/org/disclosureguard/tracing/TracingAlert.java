package org.disclosureguard.tracing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;

/**
 * One tracing alert: which pattern, about whom, how many against which threshold in which window, and the audit
 * entries behind it. Immutable.
 *
 * @param alertId a stable id (a name-based UUID of the pattern, its subject and the first evidence entry)
 * @param pattern the pattern seen
 * @param raisedAt the time of the request that crossed the threshold
 * @param requesterId the requester watched; for {@link TracingPattern#SAME_PATIENT}, the requester whose request
 *     crossed the threshold
 * @param organisation that requester's organisation, or empty
 * @param requesterClass that requester's class, or empty
 * @param patientId for {@link TracingPattern#SAME_PATIENT}, the patient asked about (a logical id, or
 *     {@code system|value} for a patient named by identifier); otherwise empty
 * @param requesters the distinct requesters of the evidence, sorted
 * @param observed how many were counted when the threshold was crossed
 * @param threshold the threshold's count
 * @param window the threshold's window
 * @param policyVersion the policy whose thresholds were crossed
 * @param evidenceSeqs the audit sequence numbers behind the alert, ascending
 * @param evidenceRequestIds the request ids of those entries, in the same order
 * @param recipient who is told (the policy's {@code tracing.notify}), or empty
 */
public record TracingAlert(String alertId, TracingPattern pattern, Instant raisedAt, String requesterId,
        String organisation, String requesterClass, String patientId, List<String> requesters, int observed,
        int threshold, Duration window, String policyVersion, List<Long> evidenceSeqs, List<String> evidenceRequestIds,
        String recipient) {

    /** The requester id of an alert's own audit entry: the guard's tracing detector. */
    public static final String DETECTOR = "tracing-detector";
    /** The interaction of an alert's own audit entry. */
    public static final String INTERACTION = "tracing-alert";
    /** The code of an alert's own audit entry ({@code docs/errors.md}). */
    public static final String CODE = org.disclosureguard.policy.PolicyError.TRACING_ALERT.code();

    public TracingAlert {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(raisedAt, "raisedAt");
        requesterId = Objects.requireNonNullElse(requesterId, "");
        organisation = Objects.requireNonNullElse(organisation, "");
        requesterClass = Objects.requireNonNullElse(requesterClass, "");
        patientId = Objects.requireNonNullElse(patientId, "");
        requesters = List.copyOf(requesters);
        Objects.requireNonNull(window, "window");
        policyVersion = Objects.requireNonNullElse(policyVersion, "");
        evidenceSeqs = List.copyOf(evidenceSeqs);
        evidenceRequestIds = List.copyOf(evidenceRequestIds);
        recipient = Objects.requireNonNullElse(recipient, "");
        if (evidenceSeqs.size() != evidenceRequestIds.size()) {
            throw new IllegalArgumentException("one request id per evidence entry");
        }
    }

    /**
     * One line for the Caldicott Guardian, with no patient in it: {@code 10 refused searches by requester met-1
     * (Metropolitan Police, police) within 10 minutes (threshold 10)}.
     */
    public String summary() {
        String who = pattern == TracingPattern.SAME_PATIENT
                ? "one patient, by " + requesters.size() + " requesters (" + String.join(", ", requesters) + ")"
                : "requester " + requesterId + (organisation.isEmpty() && requesterClass.isEmpty() ? ""
                        : " (" + (organisation.isEmpty() ? "" : organisation + ", ") + requesterClass + ")");
        return observed + " " + pattern.words() + (pattern == TracingPattern.SAME_PATIENT ? " about " : " by ") + who
                + " within " + minutes(window) + " (threshold " + threshold + ")";
    }

    /**
     * The alert's own audit entry: an entry of the guard itself ({@code internal}, requester {@value #DETECTOR},
     * interaction {@value #INTERACTION}, status 0: it answers nobody), outcome {@code escalate} (referred to the
     * Caldicott Guardian), code DG-2501, rule {@code tracing:<pattern>}; its target names the pattern and the
     * requester, and its patients the patient for {@link TracingPattern#SAME_PATIENT}. It is left out of accounting
     * and the transparency report, as every internal entry.
     */
    public AuditEntry auditEntry(String instance) {
        String target = "tracing-alert/" + alertId + "?pattern=" + pattern.code() + "&requester=" + requesterId;
        return new AuditEntry(alertId, raisedAt, instance, DETECTOR, "", "", true, "", "", "", "", "", INTERACTION,
                "", target, AuditOutcome.ESCALATE, "tracing:" + pattern.code(), policyVersion, CODE, 0,
                patientId.isEmpty() ? List.of() : List.of(patientId), List.of(), List.of(), List.of(), "", "", "");
    }

    private static String minutes(Duration window) {
        long m = window.toMinutes();
        if (m % 1440 == 0) {
            return m / 1440 + (m == 1440 ? " day" : " days");
        }
        if (m % 60 == 0) {
            return m / 60 + (m == 60 ? " hour" : " hours");
        }
        return m + (m == 1 ? " minute" : " minutes");
    }
}

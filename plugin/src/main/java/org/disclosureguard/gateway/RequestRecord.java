package org.disclosureguard.gateway;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.redaction.WithheldElement;

/**
 * What the gateway learns about one request while it answers it: who asked and why, what was decided, and what
 * is about to be released. {@link ResponsePath} turns it into the request's {@link AuditEntry}. One per request;
 * not thread-safe.
 */
final class RequestRecord {

    private final String requestId = UUID.randomUUID().toString();
    private final Instant time;
    private RequestContext context;
    private String credential = "";
    private Decision decision;
    private boolean redacted;
    private final List<String> released = new ArrayList<>();
    private final List<String> withheld = new ArrayList<>();
    private final Set<String> patients = new TreeSet<>();
    private final Set<String> labels = new TreeSet<>();
    private final Set<String> asked = new TreeSet<>();
    private String reviewCase = "";
    private String reviewer = "";
    private final java.util.Map<String, PatientOnRecord> onRecord = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, PatientOnRecord> restricted = new java.util.LinkedHashMap<>();

    RequestRecord(Instant time) {
        this.time = time;
    }

    String requestId() {
        return requestId;
    }

    /** The requester and claims, once identified. */
    void identified(RequestContext context, String credential) {
        this.context = context;
        this.credential = credential == null ? "" : credential;
    }

    /** The request that settles, or is held as, this review case; and who approved it, for a release. */
    void review(String caseId, String reviewerId) {
        this.reviewCase = caseId == null ? "" : caseId;
        this.reviewer = reviewerId == null ? "" : reviewerId;
    }

    RequestContext context() {
        return context;
    }

    Decision decision() {
        return decision;
    }

    /** The decision that settles the request (the last one wins: request stage, then a read's resource). */
    void decided(Decision decision) {
        this.decision = decision;
    }

    /** A resource about to be released, with what was withheld from it and the labels it carries. */
    void releasing(String resourceType, String id, String patientId, List<WithheldElement> withheldElements,
            Set<SecurityLabel> resourceLabels) {
        released.add(resourceType + "/" + id);
        if (patientId != null) {
            patients.add(patientId);
        }
        for (WithheldElement element : withheldElements) {
            withheld.add(element.resourceType() + (element.resourceId() == null ? "" : "/" + element.resourceId())
                    + " " + element.path());
        }
        if (!withheldElements.isEmpty()) {
            redacted = true;
        }
        resourceLabels.forEach(label -> labels.add(label.system() + "|" + label.code()));
    }

    /**
     * A patient whose data is about to be released, as the record names them; a Patient resource's own details win
     * over a bare id noted from another resource about them.
     */
    void onRecord(PatientOnRecord patient) {
        PatientOnRecord known = onRecord.get(patient.id());
        if (known == null || (known.generalPractitioner().isEmpty() && known.nhsNumber().isEmpty())) {
            onRecord.put(patient.id(), patient);
        }
    }

    /**
     * Takes over what another record noted about resources about to be released: the entries of a search answer are
     * noted apart while they are released one at a time, and taken over only once all of them were, so that an answer
     * that fails half-way notes none of them.
     */
    void absorbReleases(RequestRecord entries) {
        released.addAll(entries.released);
        withheld.addAll(entries.withheld);
        patients.addAll(entries.patients);
        labels.addAll(entries.labels);
        entries.onRecord.values().forEach(this::onRecord);
        redacted |= entries.redacted;
    }

    /** A patient with a restricted record whose resource this request was refused or held for. */
    void restricted(PatientOnRecord patient) {
        restricted.putIfAbsent(patient.id(), patient);
    }

    /** The patients with restricted records this request was refused or held for. */
    List<PatientOnRecord> restrictedPatients() {
        return List.copyOf(restricted.values());
    }

    /** The patients whose data is about to be released. */
    List<PatientOnRecord> patientsOnRecord() {
        return List.copyOf(onRecord.values());
    }

    /** The patient a refused or held request was about, when known. */
    void about(String patientId) {
        if (patientId != null) {
            patients.add(patientId);
        }
    }

    /**
     * A patient identifier ({@code system|value}) the request named, recorded only if the request releases nothing,
     * so that a refused or held search by NHS number appears in that patient's accounting.
     */
    void asked(String identifier) {
        asked.add(identifier);
    }

    /**
     * The entry for this request.
     *
     * @param status the status answered
     * @param code the refusal or error code, or {@code null} when data is released
     * @param responseSha256 the hash of the released body, or {@code null} when nothing is released
     */
    AuditEntry entry(String instance, String interaction, String resourceType, String target, int status,
            String code, String responseSha256) {
        AuditOutcome outcome;
        if (status == 200 && code == null) {
            outcome = redacted || (decision != null && decision.outcome() == Outcome.REDACT)
                    ? AuditOutcome.REDACT : AuditOutcome.PERMIT;
        } else if (decision != null && decision.outcome() == Outcome.ESCALATE) {
            outcome = AuditOutcome.ESCALATE;
        } else if (decision != null && decision.outcome() == Outcome.DENY) {
            outcome = AuditOutcome.DENY;
        } else if (status >= 500) {
            outcome = AuditOutcome.FAILED;
        } else {
            outcome = AuditOutcome.REFUSED;
        }
        boolean releasing = outcome.released();
        Set<String> about = new TreeSet<>(patients);
        if (!releasing) {
            about.addAll(asked);
        }
        return new AuditEntry(requestId, time, instance,
                context == null ? "unauthenticated" : context.requester().id(),
                context == null ? "" : context.requester().organisation(),
                context == null ? "" : context.requester().requesterClass(),
                context != null && context.requester().internal(),
                credential,
                context == null ? "" : context.purposeOfUse(),
                context == null ? "" : context.legalBasis(),
                context == null ? "" : context.caseReference(),
                context == null ? "" : context.requestingOfficer(),
                interaction, resourceType, target, outcome,
                decision == null ? "" : decision.ruleId(),
                decision == null ? "" : decision.policyVersion(),
                code, status, List.copyOf(about),
                releasing ? List.copyOf(released) : List.of(),
                releasing ? List.copyOf(withheld) : List.of(),
                releasing ? List.copyOf(labels) : List.of(),
                responseSha256, reviewCase, reviewer);
    }
}

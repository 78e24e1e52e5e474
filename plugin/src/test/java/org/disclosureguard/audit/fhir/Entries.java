package org.disclosureguard.audit.fhir;

import java.time.Instant;
import java.util.List;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;

/** Audit entries for the audit views' tests: a builder over {@link AuditEntry} with realistic defaults. */
final class Entries {

    String requestId = "5b0c7f8e-1111-4d2a-9c3e-000000000001";
    Instant time = Instant.parse("2026-03-03T14:05:00Z");
    String instance = "guard-1";
    String requesterId = "met-police-sar";
    String organisation = "Metropolitan Police Service";
    String requesterClass = "police";
    boolean internal = false;
    String credential = "jti:7d1f0c";
    String purposeOfUse = "CRIMEPREV";
    String legalBasis = "SERIOUS-CRIME";
    String caseReference = "OP-HARBOUR-17";
    String requestingOfficer = "DC Jane Marsh 4471";
    String interaction = "read";
    String resourceType = "Patient";
    String target = "Patient/9000000009";
    AuditOutcome outcome = AuditOutcome.PERMIT;
    String ruleId = "police-serious-crime-minimum";
    String policyVersion = "sha256:4f2a9c";
    String code = "";
    int status = 200;
    List<String> patients = List.of("9000000009");
    List<String> released = List.of("Patient/9000000009");
    List<String> withheld = List.of();
    List<String> labels = List.of("http://terminology.hl7.org/CodeSystem/v3-Confidentiality|N",
            "http://terminology.hl7.org/CodeSystem/v3-ActCode|NORDSCLCD");
    String responseSha256 = "ab".repeat(32);
    String reviewCase = "";
    String reviewer = "";

    static Entries entry() {
        return new Entries();
    }

    AuditEntry build() {
        return new AuditEntry(requestId, time, instance, requesterId, organisation, requesterClass, internal, credential,
                purposeOfUse, legalBasis, caseReference, requestingOfficer, interaction, resourceType, target, outcome,
                ruleId, policyVersion, code, status, patients, released, withheld, labels, responseSha256, reviewCase,
                reviewer);
    }

    /** Turns this into a refused, denied, escalated or failed entry: nothing released. */
    Entries notReleased(AuditOutcome o, String c, int s) {
        outcome = o;
        code = c;
        status = s;
        released = List.of();
        withheld = List.of();
        labels = List.of();
        responseSha256 = "";
        return this;
    }

    Entries internal() {
        internal = true;
        requesterId = "practice-loopback";
        organisation = "Y00001";
        requesterClass = "practice";
        credential = "";
        purposeOfUse = "";
        legalBasis = "";
        caseReference = "";
        requestingOfficer = "";
        ruleId = "internal-requesters";
        return this;
    }

    Entries search() {
        interaction = "search-type";
        target = "Patient?family=Smith&birthdate=1980-01-01";
        patients = List.of("9000000009", "9000000017");
        released = List.of("Patient/9000000009", "Patient/9000000017");
        return this;
    }

    Entries with(java.util.function.Consumer<Entries> change) {
        change.accept(this);
        return this;
    }
}

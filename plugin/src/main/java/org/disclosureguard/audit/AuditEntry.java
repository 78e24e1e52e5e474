package org.disclosureguard.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the guard records about one request before anything is released: who asked, why and on what basis, what
 * was decided by which rule of which policy, and what left (or would have left). Immutable; the unit of the audit
 * chain. Every field is plain text, numbers or lists of text so that the canonical encoding in
 * {@code docs/audit-format.md} does not depend on the guard's classes.
 *
 * <p>An entry for the practice's own systems ({@link #internal()}) is the lighter record: requester, interaction,
 * target, patients, outcome and status; the claim fields are empty.
 *
 * @param requestId the guard's id for the request (a random UUID), never blank
 * @param time when the decision was taken, never {@code null}; stored to the millisecond
 * @param instance the guard instance that decided (host name or configured id), never {@code null}
 * @param requesterId the registered requester's id, {@code practice-loopback} for the practice itself, or
 *     {@code unauthenticated} when no requester could be identified; never {@code null}
 * @param organisation the requester's organisation (ODS code or name), or empty
 * @param requesterClass the requester class code ({@code practice}, {@code police}, ...), or empty
 * @param internal whether the requester is the practice itself (not a disclosure to an outside party)
 * @param credential how the requester was identified: a certificate SHA-256 fingerprint, a token id
 *     ({@code jti:...}), or empty
 * @param purposeOfUse the bound purpose-of-use code, or empty
 * @param legalBasis the bound legal-basis code, or empty
 * @param caseReference the bound case reference, or empty
 * @param requestingOfficer the bound requesting officer, or empty
 * @param interaction {@code read}, {@code search-type} or {@code page} (or another FHIR restful interaction code
 *     for a refused request), never {@code null}
 * @param resourceType the resource type asked for, or empty
 * @param target the request as received: path and query relative to the FHIR base, never {@code null}
 * @param outcome the result, never {@code null}
 * @param ruleId the deciding rule, or empty when no policy decision was reached
 * @param policyVersion the policy version ({@code sha256:...}), or empty when no policy decision was reached
 * @param code the stable code of a refusal or failure ({@code DG-...}), or empty when data was released
 * @param status the HTTP status answered
 * @param patients the patients the request was about, sorted, no duplicates: the logical ids of the patients
 *     whose data was released (or whose resource was refused), and, for a request that released nothing, the
 *     patient identifiers it named as {@code system|value} (a refused search by NHS number records
 *     {@code https://fhir.nhs.uk/Id/nhs-number|9000000009}), so that the patient's accounting shows the attempt
 * @param released the resources released, as {@code Type/id}, in response order
 * @param withheld the elements withheld, as {@code Type/id path}, in response order
 * @param labels the security labels on the released data ({@code system|code}), sorted, no duplicates
 * @param responseSha256 lower-case hex SHA-256 of the response body bytes released, or empty when nothing was
 *     released
 * @param reviewCase the escalation review case this entry belongs to, or empty
 * @param reviewer who decided the review (for an approval or refusal by a Caldicott Guardian), or empty
 */
public record AuditEntry(
        String requestId,
        Instant time,
        String instance,
        String requesterId,
        String organisation,
        String requesterClass,
        boolean internal,
        String credential,
        String purposeOfUse,
        String legalBasis,
        String caseReference,
        String requestingOfficer,
        String interaction,
        String resourceType,
        String target,
        AuditOutcome outcome,
        String ruleId,
        String policyVersion,
        String code,
        int status,
        List<String> patients,
        List<String> released,
        List<String> withheld,
        List<String> labels,
        String responseSha256,
        String reviewCase,
        String reviewer) {

    public AuditEntry {
        requestId = requireText(requestId, "requestId");
        time = Objects.requireNonNull(time, "time");
        instance = Objects.requireNonNull(instance, "instance");
        requesterId = Objects.requireNonNull(requesterId, "requesterId");
        organisation = orEmpty(organisation);
        requesterClass = orEmpty(requesterClass);
        credential = orEmpty(credential);
        purposeOfUse = orEmpty(purposeOfUse);
        legalBasis = orEmpty(legalBasis);
        caseReference = orEmpty(caseReference);
        requestingOfficer = orEmpty(requestingOfficer);
        interaction = Objects.requireNonNull(interaction, "interaction");
        resourceType = orEmpty(resourceType);
        target = Objects.requireNonNull(target, "target");
        outcome = Objects.requireNonNull(outcome, "outcome");
        ruleId = orEmpty(ruleId);
        policyVersion = orEmpty(policyVersion);
        code = orEmpty(code);
        patients = List.copyOf(patients == null ? List.of() : patients.stream().distinct().sorted().toList());
        released = List.copyOf(released == null ? List.of() : released);
        withheld = List.copyOf(withheld == null ? List.of() : withheld);
        labels = List.copyOf(labels == null ? List.of() : labels.stream().distinct().sorted().toList());
        responseSha256 = orEmpty(responseSha256);
        reviewCase = orEmpty(reviewCase);
        reviewer = orEmpty(reviewer);
        time = Instant.ofEpochMilli(time.toEpochMilli());
    }

    /** Whether data about patients left the practice for an outside party with this entry. */
    public boolean disclosure() {
        return !internal && outcome.released() && !released.isEmpty();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}

package org.disclosureguard.app;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.review.ReviewCase;

/**
 * The audit entry of a step in a case's review that answers nobody (a reviewer's decision, the case's expiry): the
 * held request's requester fields, the case, who acted, status 0 ({@code docs/escalation.md}, "Audit entries").
 */
final class ReviewAudit {

    private ReviewAudit() {}

    static AuditEntry entry(ReviewCase found, AuditOutcome outcome, String code, String reviewer, String instance,
            Instant time) {
        RequestContext context = found.context();
        String interaction = switch (context.interaction()) {
            case READ -> "read";
            case SEARCH -> "search-type";
            case PAGE -> "page";
        };
        String target = found.request().resourceId().isEmpty() ? context.resourceType()
                : context.resourceType() + "/" + found.request().resourceId();
        List<String> patients = new ArrayList<>();
        if (!found.request().patientId().isEmpty()) {
            patients.add(found.request().patientId());
        }
        return new AuditEntry(UUID.randomUUID().toString(), time, instance, context.requester().id(),
                context.requester().organisation(), context.requester().requesterClass(),
                context.requester().internal(), "", context.purposeOfUse(), context.legalBasis(),
                context.caseReference(), context.requestingOfficer(), interaction, context.resourceType(), target,
                outcome, found.escalation().ruleId(), found.escalation().policyVersion(), code, 0, patients,
                List.of(), List.of(), List.of(), "", found.id(), reviewer);
    }
}

package org.disclosureguard.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditKeyDirectory;
import org.disclosureguard.audit.AuditUnavailableException;
import org.disclosureguard.audit.AuditVerifier;
import org.disclosureguard.audit.VerificationProblem;
import org.disclosureguard.audit.VerificationReport;
import org.disclosureguard.gateway.GuardError;
import org.disclosureguard.gateway.OperationOutcomes;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail, for practice staff: verify the whole chain and its signed checkpoints
 * ({@code docs/operations.md}). Answered only to the practice itself, like {@link StaffPolicyController}.
 */
@RestController
@RequestMapping("/staff/audit")
class StaffAuditController {


    private final DataSource dataSource;
    private final GuardProperties properties;

    StaffAuditController(DataSource guardDataSource, GuardProperties properties) {
        this.dataSource = guardDataSource;
        this.properties = properties;
    }

    /**
     * Verifies the chain: 200 with the report when it is intact, 409 with the report naming every problem and
     * where it is when it is not, 503 when the database cannot be read.
     */
    @GetMapping("/verify")
    ResponseEntity<String> verify(HttpServletRequest request) throws Exception {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        VerificationReport report;
        try {
            report = new AuditVerifier(dataSource, AuditKeyDirectory.publicKeys(properties.getAudit().getKeyDir()))
                    .verify();
        } catch (AuditUnavailableException e) {
            return StaffAccess.json(503, OperationOutcomes.of(GuardError.AUDIT_UNAVAILABLE, null));
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("ok", report.ok());
        node.put("entriesChecked", report.entriesChecked());
        node.put("checkpointsChecked", report.checkpointsChecked());
        node.put("lastSeq", report.lastSeq());
        node.put("lastSignedSeq", report.lastSignedSeq());
        node.put("unsignedEntries", report.unsignedEntries());
        node.put("elapsedMillis", report.elapsed().toMillis());
        ArrayNode problems = node.putArray("problems");
        for (VerificationProblem problem : report.problems()) {
            problems.addObject().put("kind", problem.kind().name()).put("seq", problem.seq())
                    .put("message", problem.message());
        }
        node.put("summary", report.describe().strip());
        return StaffAccess.json(report.ok() ? 200 : 409, node);
    }
}

package org.disclosureguard.gateway;

import java.util.List;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.TransactionalWrite;

/**
 * Commits the audit entry of one request durably, before its answer is written. The gateway releases nothing
 * whose entry could not be committed: an exception from {@link #record} turns the answer into a 503
 * ({@link GuardError#AUDIT_UNAVAILABLE}). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface DisclosureRecorder {

    /**
     * Commits the entry (and anything that must be committed with it, such as notifications) and returns only
     * once it is durable.
     *
     * @param patients the patients whose data the request released, with whom to tell about it; for a request
     *     that released nothing, the patients with restricted records it was refused or held for (their clinician
     *     is told too); otherwise empty
     * @param alsoWrite writes that must commit with the entry or not at all (a review case opened or released)
     * @throws RuntimeException if it could not be committed
     */
    void record(AuditEntry entry, List<PatientOnRecord> patients, List<TransactionalWrite> alsoWrite);
}

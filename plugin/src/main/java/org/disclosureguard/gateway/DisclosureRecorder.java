package org.disclosureguard.gateway;

import org.disclosureguard.audit.AuditEntry;

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
     * @throws RuntimeException if it could not be committed
     */
    void record(AuditEntry entry);
}

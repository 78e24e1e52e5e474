/**
 * The audit trail: every decision the guard takes becomes an {@link org.disclosureguard.audit.AuditEntry},
 * committed to an append-only, hash-chained store before anything is released, with Ed25519-signed checkpoints
 * over the chain head, a verifier, and the FHIR views built on it (AuditEvents, the accounting of disclosures,
 * the transparency report). The format is specified in {@code docs/audit-format.md}.
 *
 * <p>Core package: depends on the JDK (JDBC), Flyway, Bouncy Castle and Jackson. It must not depend on Spring, the
 * servlet API, {@code gateway}, {@code upstream} or {@code app}.
 */
package org.disclosureguard.audit;

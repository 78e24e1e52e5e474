/**
 * The FHIR and human views of the audit trail, as pure functions over lists of
 * {@link org.disclosureguard.audit.AuditEntry} values: the IHE BALP AuditEvents of one entry ({@link
 * org.disclosureguard.audit.fhir.AuditEvents}), the accounting of disclosures for one patient as a FHIR Bundle and a
 * printable page ({@link org.disclosureguard.audit.fhir.DisclosureAccounting}), and the aggregate transparency report
 * as JSON and a publishable page ({@link org.disclosureguard.audit.fhir.TransparencyReport}). See
 * {@code docs/accounting-and-report.md}.
 *
 * <p>Core package: depends on {@code audit}, {@code fhir-profiles}, HAPI FHIR structures (R4) and Jackson. It reads no
 * store, no clock and no network, and must not depend on Spring, the servlet API, {@code gateway}, {@code upstream}
 * or {@code app}.
 */
package org.disclosureguard.audit.fhir;

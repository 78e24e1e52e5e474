/**
 * Tracing detection ({@code docs/limits.md}, "Tracing alerts"): {@link org.disclosureguard.tracing.TracingDetector}
 * watches every audited request of an outside requester and raises a {@link org.disclosureguard.tracing.TracingAlert}
 * when a threshold of the policy's {@code tracing:} section is crossed (refused searches, distinct patients, one
 * patient asked about by several requesters, requests outside usual hours), once per pattern per window, with the
 * audit entries behind it; {@link org.disclosureguard.tracing.TracingAlerts} keeps the alerts (table
 * {@code tracing_alert}) for the staff page {@link org.disclosureguard.tracing.AlertPages}.
 *
 * <p>Core package: depends on Caffeine, {@code org.disclosureguard.policy} (the thresholds),
 * {@code org.disclosureguard.audit} (the entries watched and written) and {@code org.disclosureguard.text}. It must
 * not depend on Spring, the servlet API, {@code gateway}, {@code notification} or {@code app}: the application wiring
 * sends each alert through the notification outbox.
 */
package org.disclosureguard.tracing;

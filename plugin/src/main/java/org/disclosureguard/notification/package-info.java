/**
 * Clinician notification: whenever patient data leaves the practice for an outside party, the patient's registered
 * clinician is told, in the GP system's own inbox and by the practice's chosen channels, and nothing is lost while a
 * channel is down.
 *
 * <p>The parts: {@link org.disclosureguard.notification.NoticeFactory} turns a disclosure's
 * {@link org.disclosureguard.audit.AuditEntry} into thin {@link org.disclosureguard.notification.Notice}s (never the
 * disclosed data); {@link org.disclosureguard.notification.NotificationOutbox} writes one outbox row per notice and
 * channel in the audit entry's own transaction (a transactional outbox); {@link
 * org.disclosureguard.notification.NotificationRelay} claims due rows, hands each to its
 * {@link org.disclosureguard.notification.NotificationChannel} (FHIR inbox, Standard Webhooks webhook, e-mail) and
 * retries with back-off until delivered or dead-lettered, honouring a receiver's {@code Retry-After} and disabling a
 * webhook whose receiver answers {@code 410 Gone} (state shared by instances in {@code notification_channel_state});
 * it reports what it did to a {@link org.disclosureguard.notification.NotificationMetrics}. Delivery is at least
 * once; the notice id is the idempotency key. A held or refused request about a restricted patient's record gets a
 * notice of its own kind when the gateway asks for it ({@code NotificationOutbox.writesFor(entry, subjects, true)}).
 * A channel in daily-digest mode is delivered by a {@link org.disclosureguard.notification.DigestSender} instead of
 * the relay: one {@link org.disclosureguard.notification.Digest} per recipient per day through its
 * {@link org.disclosureguard.notification.DigestChannel}, at a {@link org.disclosureguard.notification.DigestSchedule}.
 * The e-mail channel can address the registered clinician, whose address {@link
 * org.disclosureguard.notification.ClinicianContacts} reads from the practice FHIR server at delivery time; an
 * {@link org.disclosureguard.notification.OutboxReconciler} writes back rows that audit entries lack
 * ({@link org.disclosureguard.notification.NotificationOutbox#reconcile}). See {@code docs/notifications.md}.
 *
 * <p>Core package: depends on {@code audit}, {@code fhir-profiles}, the JDK (HttpClient, JDBC), Jackson, HAPI FHIR's
 * R4 model, Bouncy Castle (Ed25519), Jakarta Mail, Caffeine and SLF4J. It must not depend on Spring, the servlet API or any
 * other guard package ({@code ArchitectureTest} keeps it so); {@code audit} must not depend on it.
 */
package org.disclosureguard.notification;

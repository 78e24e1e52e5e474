package org.disclosureguard.notification;

import java.time.Instant;

/**
 * One row of the notification outbox as stored. Immutable.
 *
 * @param noticeId the notice
 * @param channel the channel name
 * @param auditSeq the audit entry of the disclosure
 * @param status {@code pending}, {@code delivered}, {@code failed} or {@code disabled}
 * @param attempts delivery attempts so far
 * @param nextAttempt when the row is next due (for a pending row)
 * @param lastError the last failure's message, or {@code null}
 * @param delivered when it was delivered, or {@code null}
 * @param noticeJson the stored notice ({@link NoticeJson})
 */
public record OutboxRow(String noticeId, String channel, long auditSeq, String status, int attempts,
                        Instant nextAttempt, String lastError, Instant delivered, String noticeJson) {
}

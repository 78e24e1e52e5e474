-- The clinician-notification outbox (docs/notifications.md). One dialect for H2 2.x and PostgreSQL.
-- Times are milliseconds since 1970-01-01T00:00:00Z, as in V1.

-- One row per notice and channel, written in the same transaction as the audit entry of the disclosure.
-- status: 'pending' (to deliver), 'delivered', or 'failed' (dead letter after the retry policy's last attempt).
-- A relay claims a pending, due row by setting claimed_until_ms in the future and claim_token to its own token;
-- a claim that is not finished (the instance died) lapses at claimed_until_ms and the row is claimed again.
CREATE TABLE notification_outbox (
    notice_id        VARCHAR(64)   NOT NULL,
    channel          VARCHAR(32)   NOT NULL,
    audit_seq        BIGINT        NOT NULL,
    request_id       VARCHAR(200)  NOT NULL,
    notice           VARCHAR(20000) NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL,
    created_ms       BIGINT        NOT NULL,
    next_attempt_ms  BIGINT        NOT NULL,
    claimed_until_ms BIGINT        NOT NULL,
    claim_token      VARCHAR(100),
    last_error       VARCHAR(2000),
    last_attempt_ms  BIGINT,
    delivered_ms     BIGINT,
    PRIMARY KEY (notice_id, channel)
);
CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_ms);
CREATE INDEX notification_outbox_seq ON notification_outbox (audit_seq);

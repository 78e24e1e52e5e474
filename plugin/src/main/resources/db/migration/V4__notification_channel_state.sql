-- The state of each notification channel's receiver (docs/notifications.md), shared by every guard instance.
-- One dialect for H2 2.x and PostgreSQL. Times are milliseconds since 1970-01-01T00:00:00Z, as in V1.

-- A row exists only for a channel whose receiver asked for something:
-- disabled = TRUE after a webhook receiver answered 410 Gone: no row of the channel is attempted (its pending rows
--   become status 'disabled') until an operator re-enables it (NotificationOutbox.requeueDisabled).
-- not_before_ms: the receiver's Retry-After (429/503); no row of the channel is attempted before it.
CREATE TABLE notification_channel_state (
    channel        VARCHAR(32)   NOT NULL,
    disabled       BOOLEAN       NOT NULL,
    reason         VARCHAR(2000),
    disabled_ms    BIGINT,
    not_before_ms  BIGINT        NOT NULL,
    updated_ms     BIGINT        NOT NULL,
    updated_by     VARCHAR(100),
    PRIMARY KEY (channel)
);

-- The outbox's status column gains the value 'disabled' (a terminal status until requeued); no DDL is needed for it.

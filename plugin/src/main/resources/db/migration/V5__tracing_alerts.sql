-- Tracing alerts (docs/limits.md, "Tracing alerts"), listed on the staff page /staff/alerts.
-- One dialect for H2 2.x and PostgreSQL. Times are milliseconds since 1970-01-01T00:00:00Z, as in V1.

-- One row per alert, written in the same transaction as the alert's own audit entry (audit_seq) and its
-- notification rows. pattern: refused-searches, distinct-patients, same-patient or outside-hours.
-- patient_id is set only for same-patient (the patient asked about); requesters lists the distinct requesters of the
-- evidence, comma-separated.
CREATE TABLE tracing_alert (
    alert_id         VARCHAR(64)   NOT NULL,
    audit_seq        BIGINT        NOT NULL,
    raised_ms        BIGINT        NOT NULL,
    pattern          VARCHAR(32)   NOT NULL,
    requester_id     VARCHAR(1000) NOT NULL,
    organisation     VARCHAR(1000) NOT NULL,
    requester_class  VARCHAR(200)  NOT NULL,
    patient_id       VARCHAR(200)  NOT NULL,
    requesters       VARCHAR(20000) NOT NULL,
    observed         INTEGER       NOT NULL,
    threshold_count  INTEGER       NOT NULL,
    window_seconds   BIGINT        NOT NULL,
    policy_version   VARCHAR(100)  NOT NULL,
    PRIMARY KEY (alert_id)
);

CREATE INDEX tracing_alert_raised ON tracing_alert (raised_ms);

-- The audit entries behind each alert.
CREATE TABLE tracing_alert_evidence (
    alert_id    VARCHAR(64)  NOT NULL,
    audit_seq   BIGINT       NOT NULL,
    request_id  VARCHAR(200) NOT NULL,
    PRIMARY KEY (alert_id, audit_seq)
);

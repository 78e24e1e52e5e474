-- Escalation review cases (docs/escalation.md). One dialect for H2 2.x and PostgreSQL.
-- Times are milliseconds since 1970-01-01T00:00:00Z. Label sets are stored as sorted, space-separated system#code
-- tokens; the forwarded search parameters as application/x-www-form-urlencoded text (name=value&...; a name without
-- values as name!).

-- One row per case. The columns up to escalated_request_id are written once, when the request is held; the rest
-- are filled in by the reviewer's decision and the release. Every change is a conditional UPDATE on the expected
-- state and row_version, so two reviewers cannot both decide a case and a decided case is never decided again.
CREATE TABLE review_case (
    case_id              VARCHAR(64)    NOT NULL PRIMARY KEY,
    row_version          BIGINT         NOT NULL,
    state                VARCHAR(16)    NOT NULL,
    created_ms           BIGINT         NOT NULL,
    expires_ms           BIGINT         NOT NULL,
    requester_id         VARCHAR(1000)  NOT NULL,
    requester_org        VARCHAR(1000)  NOT NULL,
    requester_class      VARCHAR(200)   NOT NULL,
    requester_internal   BOOLEAN        NOT NULL,
    purpose_of_use       VARCHAR(200)   NOT NULL,
    legal_basis          VARCHAR(200)   NOT NULL,
    case_reference       VARCHAR(1000)  NOT NULL,
    requesting_officer   VARCHAR(1000)  NOT NULL,
    interaction          VARCHAR(16)    NOT NULL,
    resource_type        VARCHAR(200)   NOT NULL,
    resource_id          VARCHAR(200)   NOT NULL,
    patient_id           VARCHAR(200)   NOT NULL,
    parameters           VARCHAR(16000) NOT NULL,
    rule_id              VARCHAR(200)   NOT NULL,
    policy_version       VARCHAR(200)   NOT NULL,
    decision_stage       VARCHAR(16)    NOT NULL,
    reviewer_role        VARCHAR(200)   NOT NULL,
    proposed_withheld    VARCHAR(16000) NOT NULL,
    obligations          VARCHAR(16000) NOT NULL,
    decision_reason      VARCHAR(4000)  NOT NULL,
    escalated_request_id VARCHAR(200)   NOT NULL,
    reviewer_id          VARCHAR(1000),
    decided_ms           BIGINT,
    approved_withheld    VARCHAR(16000),
    review_note          VARCHAR(4000),
    refusal_reason       VARCHAR(4000),
    release_request_id   VARCHAR(200),
    released_ms          BIGINT
);
-- The reviewer's list: pending cases for a role, oldest first.
CREATE INDEX review_case_queue ON review_case (state, reviewer_role, created_ms);
-- The expiry sweep.
CREATE INDEX review_case_expiry ON review_case (state, expires_ms);

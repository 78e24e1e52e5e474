-- The audit chain (docs/audit-format.md). One dialect for H2 2.x and PostgreSQL.
-- Hashes are lower-case hex (64 characters); times are milliseconds since 1970-01-01T00:00:00Z.

-- One row per audit entry. canonical holds the entry's canonical encoding, the bytes that are hashed; the other
-- columns are copies of some of its fields for queries, and the verifier checks that they agree with it.
CREATE TABLE audit_entry (
    seq           BIGINT  NOT NULL PRIMARY KEY,
    request_id    VARCHAR(200) NOT NULL,
    entry_time_ms BIGINT  NOT NULL,
    requester_id  VARCHAR(1000) NOT NULL,
    outcome       VARCHAR(16) NOT NULL,
    canonical     BYTEA   NOT NULL,
    prev_hash     CHAR(64) NOT NULL,
    entry_hash    CHAR(64) NOT NULL
);
CREATE INDEX audit_entry_time ON audit_entry (entry_time_ms);
CREATE INDEX audit_entry_request ON audit_entry (request_id);

-- Which entries are about which patient: one row per (patient, entry), copied from the entry's patients field.
CREATE TABLE audit_patient (
    patient_id VARCHAR(200) NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (patient_id, seq)
);
CREATE INDEX audit_patient_seq ON audit_patient (seq);

-- The chain head: exactly one row (id 1). Every append locks it (SELECT ... FOR UPDATE), so appends from any
-- number of guard instances form one gap-free sequence. seq 0 and 64 zeros are the genesis.
CREATE TABLE audit_head (
    id         INTEGER NOT NULL PRIMARY KEY,
    seq        BIGINT  NOT NULL,
    entry_hash CHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, entry_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Signed checkpoints over the head: Ed25519 signatures (hex) by the key with key_id.
CREATE TABLE audit_checkpoint (
    seq                BIGINT NOT NULL PRIMARY KEY,
    head_hash          CHAR(64) NOT NULL,
    checkpoint_time_ms BIGINT NOT NULL,
    key_id             VARCHAR(64) NOT NULL,
    signature          VARCHAR(256) NOT NULL
);

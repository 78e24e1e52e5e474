-- Second approval and questions to the requester for review cases (docs/escalation.md, docs/review.md).
-- One dialect for H2 2.x and PostgreSQL; times are milliseconds since 1970-01-01T00:00:00Z; label sets as in
-- V2__review_cases.sql.

-- The new states (AWAITING_SECOND_APPROVAL, INFORMATION_REQUESTED) are longer than V2's 16 characters.
ALTER TABLE review_case ALTER COLUMN state SET DATA TYPE VARCHAR(32);

-- How many different reviewers must approve (1, or 2 for a rule with `approvals: 2`); cases held before this
-- migration needed one.
ALTER TABLE review_case ADD COLUMN approvals_required INTEGER DEFAULT 1 NOT NULL;

-- The first of two approvals: who, when, what they withheld and their note. The second approval is recorded in
-- reviewer_id, decided_ms, approved_withheld and review_note, and withholds at least first_withheld.
ALTER TABLE review_case ADD COLUMN first_approver_id VARCHAR(1000);
ALTER TABLE review_case ADD COLUMN first_approved_ms BIGINT;
ALTER TABLE review_case ADD COLUMN first_withheld VARCHAR(16000);
ALTER TABLE review_case ADD COLUMN first_note VARCHAR(4000);

-- The reviewer's latest question to the requester and the requester's answer (a later question replaces both;
-- the audit chain records each step, not its text).
ALTER TABLE review_case ADD COLUMN reviewer_question VARCHAR(4000);
ALTER TABLE review_case ADD COLUMN questioned_by VARCHAR(1000);
ALTER TABLE review_case ADD COLUMN questioned_ms BIGINT;
ALTER TABLE review_case ADD COLUMN requester_answer VARCHAR(4000);
ALTER TABLE review_case ADD COLUMN answered_ms BIGINT;

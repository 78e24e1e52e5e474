package org.disclosureguard.review;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.disclosureguard.policy.Stage;

/**
 * The review cases, stored in the guard's database (table {@code review_case} of {@code V2__review_cases.sql} and
 * {@code V6__review_second_approval.sql}).
 *
 * <p><b>Transitions</b> ({@link CaseState} draws them). {@link #open} holds an escalated request as a PENDING case.
 * {@link #approve} and {@link #refuse} decide it (a case needing two approvals passes through
 * AWAITING_SECOND_APPROVAL); {@link #ask} puts a question to the requester and {@link #answer} records its answer; {@link #expire} marks pending cases past their expiry; {@link #markReleased} records
 * that an approved answer left. Each transition is validated first (with a {@link ReviewException} naming what is
 * wrong) and then made by one conditional {@code UPDATE ... WHERE case_id = ? AND state = ? AND row_version = ?}:
 * when two reviewers (threads, guard instances) decide the same case at once, exactly one update matches a row and
 * the other gets {@link ReviewError#ALREADY_DECIDED}. No transition leaves a final state.
 *
 * <p><b>Time.</b> The clock is injected. A pending case whose expiry has passed cannot be decided even before
 * {@link #expire} has marked it, and is not listed by {@link #pending}.
 *
 * <p><b>Case ids</b> are 18 random bytes from {@link SecureRandom} in base64url (24 characters, 144 bits): they
 * are the requester's handle for polling, so they must not be guessable; the requester's poll is still checked
 * against the requester who asked ({@link #findForRequester}).
 *
 * <p>Thread-safe: holds no state besides the data source, the clock and the id generator. Connections must use the
 * databases' default isolation, READ COMMITTED.
 */
public final class ReviewCases {

    /** The shape of a case id: base64url without padding. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    /** The longest reason or note accepted. */
    public static final int MAX_TEXT = 4000;

    /** The longest answer a requester may give to a reviewer's question. */
    public static final int MAX_ANSWER = 4000;

    private static final String SELECT = "SELECT case_id, row_version, state, created_ms, expires_ms, requester_id,"
            + " requester_org, requester_class, requester_internal, purpose_of_use, legal_basis, case_reference,"
            + " requesting_officer, interaction, resource_type, resource_id, patient_id, parameters, rule_id,"
            + " policy_version, decision_stage, reviewer_role, proposed_withheld, obligations, decision_reason,"
            + " escalated_request_id, reviewer_id, decided_ms, approved_withheld, review_note, refusal_reason,"
            + " release_request_id, released_ms, approvals_required, first_approver_id, first_approved_ms,"
            + " first_withheld, first_note, reviewer_question, questioned_by, questioned_ms, requester_answer,"
            + " answered_ms FROM review_case ";

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration expiry;
    private final Supplier<String> ids;

    /**
     * A store whose cases expire {@code expiry} after they are opened.
     *
     * @param expiry how long a case may wait for a reviewer, positive (for example 14 days)
     */
    public ReviewCases(DataSource dataSource, Clock clock, Duration expiry) {
        this(dataSource, clock, expiry, randomIds(new SecureRandom()));
    }

    /** As {@link #ReviewCases(DataSource, Clock, Duration)}, with the case ids from {@code ids} (for tests). */
    ReviewCases(DataSource dataSource, Clock clock, Duration expiry, Supplier<String> ids) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("a case's expiry must be positive, got " + expiry);
        }
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** Case ids: 18 bytes of {@code random} in base64url. */
    static Supplier<String> randomIds(SecureRandom random) {
        return () -> {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        };
    }

    /**
     * A view of this store whose every statement runs on {@code connection}, inside the caller's transaction: it
     * never commits, rolls back, closes the connection or changes its auto-commit mode. For making a transition in
     * the same transaction as its audit entry (the audit store's same-transaction write): if the audit entry is not
     * committed, neither is the transition, and the reverse. A transition refused by the view (for example
     * {@link ReviewError#ALREADY_DECIDED} when another reviewer won) throws, which rolls the caller's transaction
     * back. The view is for the one transaction only, on the thread that owns it.
     */
    public ReviewCases using(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return new ReviewCases(new BorrowedConnection(connection), clock, expiry, ids);
    }

    /** How long a case may wait for a reviewer. */
    public Duration expiry() {
        return expiry;
    }

    // ---- opening ---------------------------------------------------------------------------------------------

    /**
     * Holds an escalated request as a new PENDING case, expiring {@link #expiry()} from now.
     *
     * @param context the request context the policy decided, as the gateway built it
     * @param decision the ESCALATE decision (request or resource stage)
     * @param request the resource id and patient, when known
     * @param auditRequestId the audit request id of the held request
     * @return the stored case
     * @throws ReviewException {@link ReviewError#INVALID_CASE} when the decision is not an escalation or a value
     *     cannot be stored; {@link ReviewError#STORE_FAILED} when the database fails
     */
    public ReviewCase open(RequestContext context, Decision decision, RequestShape request, String auditRequestId) {
        return open(context, decision, request, auditRequestId, newId());
    }

    /** A new unguessable case id, for a case to be opened with it (so that its audit entry can name it first). */
    public String newId() {
        return ids.get();
    }

    /**
     * As {@link #open(RequestContext, Decision, RequestShape, String)}, with the case id given ({@link #newId()}).
     */
    public ReviewCase open(RequestContext context, Decision decision, RequestShape request, String auditRequestId,
            String caseId) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(caseId, "caseId");
        Escalation escalation = Escalation.of(decision, auditRequestId);
        Instant now = now();
        ReviewCase opened = new ReviewCase(caseId, CaseState.PENDING, 1, now, now.plus(expiry), context, request,
                escalation, "", null, Set.of(), "", "", "", null);
        String parameters = StoredText.parameters(context.params());
        if (!StoredText.parseParameters(parameters).equals(context.params())) {
            throw new ReviewException(ReviewError.INVALID_CASE, "the request's parameters cannot be stored exactly"
                    + " (they contain text that is not valid Unicode)");
        }
        checkLength("parameters", parameters, 16000);
        checkLength("case reference", context.caseReference(), 1000);
        checkLength("requesting officer", context.requestingOfficer(), 1000);
        checkLength("organisation", context.requester().organisation(), 1000);
        checkLength("requester id", context.requester().id(), 1000);
        checkLength("reason", escalation.reason(), MAX_TEXT);
        checkLength("resource id", request.resourceId(), 200);
        checkLength("patient id", request.patientId(), 200);
        checkLength("requester class", context.requester().requesterClass(), 200);
        checkLength("purpose of use", context.purposeOfUse(), 200);
        checkLength("legal basis", context.legalBasis(), 200);
        checkLength("resource type", context.resourceType(), 200);
        checkLength("rule id", escalation.ruleId(), 200);
        checkLength("policy version", escalation.policyVersion(), 200);
        checkLength("reviewer role", escalation.reviewerRole(), 200);
        checkLength("audit request id", escalation.auditRequestId(), 200);
        String proposed = StoredText.labels(escalation.proposedWithheld());
        String obligations = StoredText.labels(escalation.obligations());
        checkLength("proposed labels", proposed, 16000);
        checkLength("obligations", obligations, 16000);
        String sql = "INSERT INTO review_case (case_id, row_version, state, created_ms, expires_ms, requester_id,"
                + " requester_org, requester_class, requester_internal, purpose_of_use, legal_basis, case_reference,"
                + " requesting_officer, interaction, resource_type, resource_id, patient_id, parameters, rule_id,"
                + " policy_version, decision_stage, reviewer_role, proposed_withheld, obligations, decision_reason,"
                + " escalated_request_id, approvals_required) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 0;
            s.setString(++i, opened.id());
            s.setLong(++i, opened.rowVersion());
            s.setString(++i, opened.state().name());
            s.setLong(++i, opened.created().toEpochMilli());
            s.setLong(++i, opened.expires().toEpochMilli());
            s.setString(++i, context.requester().id());
            s.setString(++i, context.requester().organisation());
            s.setString(++i, context.requester().requesterClass());
            s.setBoolean(++i, context.requester().internal());
            s.setString(++i, context.purposeOfUse());
            s.setString(++i, context.legalBasis());
            s.setString(++i, context.caseReference());
            s.setString(++i, context.requestingOfficer());
            s.setString(++i, context.interaction().name());
            s.setString(++i, context.resourceType());
            s.setString(++i, request.resourceId());
            s.setString(++i, request.patientId());
            s.setString(++i, parameters);
            s.setString(++i, escalation.ruleId());
            s.setString(++i, escalation.policyVersion());
            s.setString(++i, escalation.stage().name());
            s.setString(++i, escalation.reviewerRole());
            s.setString(++i, proposed);
            s.setString(++i, obligations);
            s.setString(++i, escalation.reason());
            s.setString(++i, escalation.auditRequestId());
            s.setInt(++i, escalation.approvals());
            s.executeUpdate();
        } catch (SQLException e) {
            throw storeFailed("open a case for request " + auditRequestId, e);
        }
        return find(opened.id()).orElseThrow(() -> new ReviewException(ReviewError.STORE_FAILED,
                "the case " + opened.id() + " was written but cannot be read back"));
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    /** The case with this id, if there is one (an id of the wrong shape finds nothing). */
    public Optional<ReviewCase> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        List<ReviewCase> found = query(SELECT + "WHERE case_id = ?", s -> s.setString(1, id));
        return found.stream().findFirst();
    }

    /**
     * The case with this id if it was opened for this requester; otherwise empty, exactly as for an unknown id, so
     * that a poll cannot learn whether someone else's case exists.
     */
    public Optional<ReviewCase> findForRequester(String id, String requesterId) {
        return find(id).filter(c -> c.context().requester().id().equals(requesterId));
    }

    /**
     * The open cases referred to this role (waiting for a decision, for a second approval or for the requester's
     * answer) that are not past their expiry, oldest first.
     */
    public List<ReviewCase> pending(String role) {
        Objects.requireNonNull(role, "role");
        long now = now().toEpochMilli();
        return query(SELECT + "WHERE state IN " + CaseState.openSql() + " AND reviewer_role = ? AND expires_ms > ?"
                + " ORDER BY created_ms, case_id", s -> {
                    s.setString(1, role);
                    s.setLong(2, now);
                });
    }

    // ---- deciding --------------------------------------------------------------------------------------------

    /**
     * Approves a release, withholding {@code withheld}: the policy's proposal and possibly more (narrowing).
     *
     * <p>For a case needing two approvals ({@link Escalation#needsSecondApproval()}) the first approval moves it to
     * {@link CaseState#AWAITING_SECOND_APPROVAL} and records who approved and what they withheld; the second, by a
     * different reviewer holding the role, must withhold at least what the first withheld, and makes it
     * {@link CaseState#APPROVED} with the second approver's labels. A case waiting for the requester's answer can be
     * approved too (the reviewer decides without the answer).
     *
     * @param withheld the labels to withhold; must contain every label of the policy's proposal (and of a first
     *     approval)
     * @param note the reviewer's note (for the record; not shown to the requester), may be {@code null}
     * @return the case as approved (APPROVED, or AWAITING_SECOND_APPROVAL after a first approval)
     * @throws ReviewException {@link ReviewError#UNKNOWN_CASE}, {@link ReviewError#ALREADY_DECIDED} (also when
     *     another reviewer won the race), {@link ReviewError#CASE_EXPIRED}, {@link ReviewError#WRONG_ROLE},
     *     {@link ReviewError#WIDER_THAN_PROPOSED}, {@link ReviewError#SAME_APPROVER},
     *     {@link ReviewError#WIDER_THAN_FIRST_APPROVAL}, {@link ReviewError#STORE_FAILED}
     */
    public ReviewCase approve(String id, Reviewer reviewer, Set<SecurityLabel> withheld, String note) {
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(withheld, "withheld");
        String cleanNote = note == null ? "" : note.strip();
        checkLength("note", cleanNote, MAX_TEXT);
        Instant now = now();
        ReviewCase current = decidable(id, reviewer, now);
        Set<SecurityLabel> missing = new HashSet<>(current.escalation().proposedWithheld());
        missing.removeAll(withheld);
        if (!missing.isEmpty()) {
            throw new ReviewException(ReviewError.WIDER_THAN_PROPOSED, "case " + id + ": the approval would release "
                    + names(missing) + ", which the policy proposes to withhold; an approval may withhold more than"
                    + " the proposal, never less");
        }
        String labels = StoredText.labels(withheld);
        checkLength("withheld labels", labels, 16000);
        Optional<ReviewCase.FirstApproval> first = current.first();
        if (first.isPresent()) {
            if (first.get().reviewerId().equals(reviewer.id())) {
                throw new ReviewException(ReviewError.SAME_APPROVER, "case " + id + " needs a second approval by a"
                        + " different reviewer; " + reviewer.id() + " gave the first approval and cannot give the"
                        + " second");
            }
            Set<SecurityLabel> wider = new HashSet<>(first.get().withheld());
            wider.removeAll(withheld);
            if (!wider.isEmpty()) {
                throw new ReviewException(ReviewError.WIDER_THAN_FIRST_APPROVAL, "case " + id + ": the second"
                        + " approval would release " + names(wider) + ", which " + first.get().reviewerId()
                        + " withheld in the first approval; a second approval may withhold more, never less");
            }
        }
        // A first of two approvals is kept in its own columns; the last approval decides the case.
        String set = first.isEmpty() && current.escalation().needsSecondApproval()
                ? "state = 'AWAITING_SECOND_APPROVAL', first_approver_id = ?, first_approved_ms = ?,"
                        + " first_withheld = ?, first_note = ?"
                : "state = 'APPROVED', reviewer_id = ?, decided_ms = ?, approved_withheld = ?, review_note = ?";
        decide(current, now, set, s -> {
            s.setString(1, reviewer.id());
            s.setLong(2, now.toEpochMilli());
            s.setString(3, labels);
            s.setString(4, cleanNote);
            return 5;
        });
        return reread(id);
    }

    /**
     * Refuses the request; nothing will be released. Any reviewer holding the role may refuse an open case,
     * including one that a first approver approved or that waits for the requester's answer.
     *
     * @param reason why, shown to the requester; required
     * @return the refused case
     * @throws ReviewException {@link ReviewError#REASON_REQUIRED}, and as for {@link #approve}
     */
    public ReviewCase refuse(String id, Reviewer reviewer, String reason) {
        Objects.requireNonNull(reviewer, "reviewer");
        String cleanReason = requiredText("reason", reason, ReviewError.REASON_REQUIRED,
                "case " + id + ": give the reason for the refusal; the requester is shown it");
        Instant now = now();
        ReviewCase current = decidable(id, reviewer, now);
        decide(current, now, "state = 'REFUSED', reviewer_id = ?, decided_ms = ?, refusal_reason = ?", s -> {
            s.setString(1, reviewer.id());
            s.setLong(2, now.toEpochMilli());
            s.setString(3, cleanReason);
            return 4;
        });
        return reread(id);
    }

    /** The text stripped, if it is given and not too long. */
    private static String requiredText(String field, String text, ReviewError missing, String whenMissing) {
        if (text == null || text.isBlank()) {
            throw new ReviewException(missing, whenMissing);
        }
        String clean = text.strip();
        checkLength(field, clean, MAX_TEXT);
        return clean;
    }

    /**
     * Asks the requester a question: the case becomes {@link CaseState#INFORMATION_REQUESTED}, the requester is
     * shown the question when it polls, and {@link #answer} puts the case back in the list. A later question replaces
     * an earlier question and its answer on the case (the audit chain records the steps, not their text). The case
     * still expires at its expiry.
     *
     * @param question what the reviewer asks, shown to the requester; required, at most {@link #MAX_TEXT}
     * @return the case, INFORMATION_REQUESTED
     * @throws ReviewException {@link ReviewError#QUESTION_REQUIRED}, {@link ReviewError#QUESTION_WAITING} when a
     *     question is already waiting, and as for {@link #approve}
     */
    public ReviewCase ask(String id, Reviewer reviewer, String question) {
        Objects.requireNonNull(reviewer, "reviewer");
        String cleanQuestion = requiredText("question", question, ReviewError.QUESTION_REQUIRED,
                "case " + id + ": write the question for the requester");
        Instant now = now();
        ReviewCase current = decidable(id, reviewer, now);
        if (current.state() == CaseState.INFORMATION_REQUESTED) {
            throw new ReviewException(ReviewError.QUESTION_WAITING, "case " + id + " is already waiting for the"
                    + " requester's answer to: " + current.asked().map(ReviewCase.Question::text).orElse(""));
        }
        decide(current, now, "state = 'INFORMATION_REQUESTED', reviewer_question = ?, questioned_by = ?,"
                + " questioned_ms = ?, requester_answer = NULL, answered_ms = NULL", s -> {
                    s.setString(1, cleanQuestion);
                    s.setString(2, reviewer.id());
                    s.setLong(3, now.toEpochMilli());
                    return 4;
                });
        return reread(id);
    }

    /**
     * Records the requester's answer to the reviewer's question and puts the case back in the reviewers' list:
     * PENDING, or AWAITING_SECOND_APPROVAL when a first approval was given before the question. Only the requester
     * that asked can answer; for anyone else the case does not exist.
     *
     * @param answer the answer, non-blank, at most {@link #MAX_ANSWER} characters
     * @return the case with the answer
     * @throws ReviewException {@link ReviewError#UNKNOWN_CASE} for an unknown case or another requester's;
     *     {@link ReviewError#ANSWER_INVALID}; {@link ReviewError#CASE_EXPIRED}; {@link ReviewError#NO_QUESTION} when
     *     no question is waiting (never asked, answered already, or the case was decided meanwhile)
     */
    public ReviewCase answer(String id, String requesterId, String answer) {
        ReviewCase current = findForRequester(id, requesterId).orElseThrow(() -> unknown(id));
        if (answer == null || answer.isBlank() || answer.strip().length() > MAX_ANSWER) {
            throw new ReviewException(ReviewError.ANSWER_INVALID, "case " + id + ": the answer must be non-blank"
                    + " text of at most " + MAX_ANSWER + " characters");
        }
        String cleanAnswer = answer.strip();
        Instant now = now();
        if (current.expiredAt(now)) {
            throw new ReviewException(ReviewError.CASE_EXPIRED, "case " + id + " expired at " + current.expires()
                    + "; nothing was released");
        }
        if (current.state() != CaseState.INFORMATION_REQUESTED) {
            throw new ReviewException(ReviewError.NO_QUESTION, "case " + id + " is " + current.state()
                    + " and is not waiting for an answer");
        }
        CaseState back = current.first().isPresent() ? CaseState.AWAITING_SECOND_APPROVAL : CaseState.PENDING;
        int rows = update("UPDATE review_case SET state = ?, requester_answer = ?, answered_ms = ?,"
                + " row_version = row_version + 1 WHERE case_id = ? AND state = 'INFORMATION_REQUESTED'"
                + " AND row_version = ? AND expires_ms > ?", s -> {
                    s.setString(1, back.name());
                    s.setString(2, cleanAnswer);
                    s.setLong(3, now.toEpochMilli());
                    s.setString(4, id);
                    s.setLong(5, current.rowVersion());
                    s.setLong(6, now.toEpochMilli());
                }, "answer case " + id);
        if (rows != 1) {
            throw new ReviewException(ReviewError.NO_QUESTION, "case " + id + " changed while the answer was being"
                    + " recorded and is no longer waiting for it");
        }
        return reread(id);
    }

    /**
     * Withdraws a case at its requester's request: an open or APPROVED case becomes WITHDRAWN and nothing is
     * released. Only the requester that asked can withdraw it; for anyone else the case does not exist.
     *
     * @throws ReviewException {@link ReviewError#UNKNOWN_CASE} for an unknown case or another requester's;
     *     {@link ReviewError#ALREADY_DECIDED} when it is refused, expired, released or withdrawn already
     */
    public ReviewCase withdraw(String id, String requesterId) {
        ReviewCase current = findForRequester(id, requesterId).orElseThrow(() -> unknown(id));
        if (!current.state().isOpen() && current.state() != CaseState.APPROVED) {
            throw alreadyDecided(current);
        }
        int rows = update("UPDATE review_case SET state = 'WITHDRAWN', row_version = row_version + 1"
                + " WHERE case_id = ? AND row_version = ? AND (state IN " + CaseState.openSql()
                + " OR state = 'APPROVED')", s -> {
                    s.setString(1, current.id());
                    s.setLong(2, current.rowVersion());
                }, "withdraw case " + current.id());
        if (rows != 1) {
            throw alreadyDecided(reread(current.id()));
        }
        return reread(id);
    }

    /** The open cases whose expiry is at or before {@code now}, oldest first, at most {@code limit}. */
    public List<ReviewCase> expiring(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        return query(SELECT + "WHERE state IN " + CaseState.openSql() + " AND expires_ms <= ? ORDER BY expires_ms, case_id LIMIT ?",
                s -> {
                    s.setLong(1, now.toEpochMilli());
                    s.setInt(2, limit);
                });
    }

    /**
     * Marks one open case EXPIRED if its expiry is at or before {@code now}.
     *
     * @return whether this call expired it (false when it was decided or expired meanwhile)
     */
    public boolean expire(String id, Instant now) {
        Objects.requireNonNull(now, "now");
        return update("UPDATE review_case SET state = 'EXPIRED', row_version = row_version + 1"
                + " WHERE case_id = ? AND state IN " + CaseState.openSql() + " AND expires_ms <= ?", s -> {
                    s.setString(1, id);
                    s.setLong(2, now.toEpochMilli());
                }, "expire case " + id) == 1;
    }

    /**
     * Marks every open case whose expiry is at or before {@code now} as EXPIRED.
     *
     * @return how many cases were marked
     */
    public int expire(Instant now) {
        Objects.requireNonNull(now, "now");
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE review_case"
                + " SET state = 'EXPIRED', row_version = row_version + 1 WHERE state IN " + CaseState.openSql()
                + " AND expires_ms <= ?")) {
            s.setLong(1, now.toEpochMilli());
            return s.executeUpdate();
        } catch (SQLException e) {
            throw storeFailed("expire cases", e);
        }
    }

    /**
     * Records that the approved answer was released, with the audit request id of the release.
     *
     * @return the released case
     * @throws ReviewException {@link ReviewError#UNKNOWN_CASE}; {@link ReviewError#ALREADY_DECIDED} when it was
     *     already released (by another poll that won); {@link ReviewError#NOT_APPROVED} when it is not approved
     */
    public ReviewCase markReleased(String id, String releaseRequestId) {
        if (releaseRequestId == null || releaseRequestId.isBlank()) {
            throw new IllegalArgumentException("a release needs its audit request id");
        }
        checkLength("release request id", releaseRequestId, 200);
        ReviewCase current = find(id).orElseThrow(() -> unknown(id));
        if (current.state() == CaseState.RELEASED) {
            throw new ReviewException(ReviewError.ALREADY_DECIDED, "case " + id + " was already released (request "
                    + current.releaseRequestId() + ")");
        }
        if (current.state() != CaseState.APPROVED) {
            throw new ReviewException(ReviewError.NOT_APPROVED, "case " + id + " is " + current.state()
                    + "; only an approved case can be released");
        }
        Instant now = now();
        int rows = update("UPDATE review_case SET state = 'RELEASED', row_version = row_version + 1,"
                + " release_request_id = ?, released_ms = ? WHERE case_id = ? AND state = 'APPROVED'"
                + " AND row_version = ?", s -> {
                    s.setString(1, releaseRequestId);
                    s.setLong(2, now.toEpochMilli());
                    s.setString(3, id);
                    s.setLong(4, current.rowVersion());
                }, "release case " + id);
        if (rows != 1) {
            throw new ReviewException(ReviewError.ALREADY_DECIDED, "case " + id + " was released by another request"
                    + " at the same time");
        }
        return reread(id);
    }

    // ---- internals -------------------------------------------------------------------------------------------

    /** The case, checked to be decidable now by this reviewer. */
    private ReviewCase decidable(String id, Reviewer reviewer, Instant now) {
        checkLength("reviewer id", reviewer.id(), 1000);
        ReviewCase current = find(id).orElseThrow(() -> unknown(id));
        if (current.state() == CaseState.EXPIRED || current.expiredAt(now)) {
            throw new ReviewException(ReviewError.CASE_EXPIRED, "case " + id + " expired at " + current.expires()
                    + " and can no longer be decided");
        }
        if (!current.state().isOpen()) {
            throw alreadyDecided(current);
        }
        if (!reviewer.holds(current.reviewerRole())) {
            throw new ReviewException(ReviewError.WRONG_ROLE, "case " + id + " is referred to the "
                    + current.reviewerRole() + "; " + reviewer.id() + " does not hold that role");
        }
        return current;
    }

    private interface Binder {
        /** Binds the SET clause's parameters and returns the next parameter index. */
        int bind(PreparedStatement s) throws SQLException;
    }

    private void decide(ReviewCase current, Instant now, String set, Binder binder) {
        String sql = "UPDATE review_case SET " + set + ", row_version = row_version + 1"
                + " WHERE case_id = ? AND state = ? AND row_version = ? AND expires_ms > ?";
        int rows = update(sql, s -> {
            int i = binder.bind(s);
            s.setString(i, current.id());
            s.setString(i + 1, current.state().name());
            s.setLong(i + 2, current.rowVersion());
            s.setLong(i + 3, now.toEpochMilli());
        }, "decide case " + current.id());
        if (rows == 1) {
            return;
        }
        ReviewCase after = reread(current.id());
        if (after.state().isOpen() && after.expiredAt(now)) {
            throw new ReviewException(ReviewError.CASE_EXPIRED, "case " + current.id() + " expired at "
                    + after.expires() + " and can no longer be decided");
        }
        throw alreadyDecided(after);
    }

    private static ReviewException alreadyDecided(ReviewCase c) {
        if (c.state().isOpen()) {
            String first = c.first().map(f -> ", approved first by " + f.reviewerId()).orElse("");
            return new ReviewException(ReviewError.ALREADY_DECIDED, "case " + c.id() + " was changed by someone else"
                    + " at the same time (it is now " + c.state() + first + "); open it again to see the change");
        }
        String by = c.reviewerId().isEmpty() ? "" : " by " + c.reviewerId();
        return new ReviewException(ReviewError.ALREADY_DECIDED, "case " + c.id() + " is already " + c.state()
                + by + "; a decided case cannot be decided again");
    }

    private ReviewCase reread(String id) {
        return find(id).orElseThrow(() -> unknown(id));
    }

    private static ReviewException unknown(String id) {
        return new ReviewException(ReviewError.UNKNOWN_CASE, "there is no review case '" + id + "'");
    }

    private interface Statement {
        void bind(PreparedStatement s) throws SQLException;
    }

    private int update(String sql, Statement binder, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw storeFailed(what, e);
        }
    }

    private List<ReviewCase> query(String sql, Statement binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            try (ResultSet rs = s.executeQuery()) {
                List<ReviewCase> cases = new ArrayList<>();
                while (rs.next()) {
                    cases.add(read(rs));
                }
                return cases;
            }
        } catch (SQLException e) {
            throw storeFailed("read review cases", e);
        }
    }

    private static ReviewCase read(ResultSet rs) throws SQLException {
        String id = rs.getString("case_id");
        try {
            Requester requester = new Requester(rs.getString("requester_id"), rs.getString("requester_org"),
                    rs.getString("requester_class"), rs.getBoolean("requester_internal"));
            RequestContext context = new RequestContext(requester, rs.getString("purpose_of_use"),
                    rs.getString("legal_basis"), rs.getString("case_reference"), rs.getString("requesting_officer"),
                    Interaction.valueOf(rs.getString("interaction")), rs.getString("resource_type"),
                    StoredText.parseParameters(rs.getString("parameters")));
            Escalation escalation = new Escalation(rs.getString("rule_id"), rs.getString("policy_version"),
                    Stage.valueOf(rs.getString("decision_stage")), rs.getString("reviewer_role"),
                    StoredText.parseLabels(rs.getString("proposed_withheld")),
                    StoredText.parseLabels(rs.getString("obligations")), rs.getString("decision_reason"),
                    rs.getString("escalated_request_id"), rs.getInt("approvals_required"));
            String firstApprover = rs.getString("first_approver_id");
            ReviewCase.FirstApproval first = firstApprover == null || firstApprover.isEmpty() ? null
                    : new ReviewCase.FirstApproval(firstApprover, instant(rs, "first_approved_ms"),
                            StoredText.parseLabels(rs.getString("first_withheld")), rs.getString("first_note"));
            String asked = rs.getString("reviewer_question");
            ReviewCase.Question question = asked == null || asked.isEmpty() ? null
                    : new ReviewCase.Question(rs.getString("questioned_by"), instant(rs, "questioned_ms"), asked,
                            rs.getString("requester_answer"), instant(rs, "answered_ms"));
            return new ReviewCase(id, CaseState.valueOf(rs.getString("state")), rs.getLong("row_version"),
                    Instant.ofEpochMilli(rs.getLong("created_ms")), Instant.ofEpochMilli(rs.getLong("expires_ms")),
                    context, new RequestShape(rs.getString("resource_id"), rs.getString("patient_id")), escalation,
                    rs.getString("reviewer_id"), instant(rs, "decided_ms"),
                    StoredText.parseLabels(rs.getString("approved_withheld")), rs.getString("review_note"),
                    rs.getString("refusal_reason"), rs.getString("release_request_id"), instant(rs, "released_ms"),
                    first, question);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ReviewException(ReviewError.STORE_FAILED, "the stored case " + id + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    private static ReviewException storeFailed(String what, SQLException e) {
        return new ReviewException(ReviewError.STORE_FAILED, "could not " + what + "; nothing was changed: "
                + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static void checkLength(String what, String value, int max) {
        if (value.length() > max) {
            throw new ReviewException(ReviewError.INVALID_CASE, "the " + what + " is longer than " + max
                    + " characters");
        }
    }

    private static String names(Set<SecurityLabel> labels) {
        return labels.stream().map(l -> l.equals(SecurityLabel.parse(l.code())) ? l.code() : l.toString())
                .sorted().toList().toString();
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}

package org.disclosureguard.review;

/**
 * The stable codes of the review workflow (DG-5xxx). DG-50xx are reported to practice staff and to the code that
 * drives the workflow, as {@link ReviewException}s; DG-51xx are shown to the requester about its held request (and
 * name the steps of a case in the audit chain). Codes are never reused or renumbered; {@code docs/escalation.md} lists them with what
 * to do.
 */
public enum ReviewError {
    UNKNOWN_CASE("DG-5001", "there is no review case with this id"),
    ALREADY_DECIDED("DG-5002", "the case has already been decided (or released) and cannot be decided again"),
    CASE_EXPIRED("DG-5003", "the case expired before it was decided; the requester must ask again"),
    WIDER_THAN_PROPOSED("DG-5004",
            "an approval must withhold at least every label the policy proposed to withhold"),
    WRONG_ROLE("DG-5005", "the reviewer does not hold the role the case is referred to"),
    REASON_REQUIRED("DG-5006", "a refusal needs a reason"),
    NOT_APPROVED("DG-5007", "only an approved case can be released"),
    INVALID_CASE("DG-5008", "the escalation cannot be held as a case (not an escalation, or a value is invalid)"),
    STORE_FAILED("DG-5009", "the review case store failed; nothing was changed"),
    SAME_APPROVER("DG-5010", "the case needs a second approval by a different reviewer; the first approver cannot"
            + " approve it again"),
    WIDER_THAN_FIRST_APPROVAL("DG-5011",
            "a second approval must withhold at least every label the first approver withheld"),
    QUESTION_REQUIRED("DG-5012", "asking the requester for more information needs a question"),
    QUESTION_WAITING("DG-5013", "a question to the requester is already waiting for its answer"),
    NO_QUESTION("DG-5014", "the case is not waiting for an answer from the requester"),
    ANSWER_INVALID("DG-5015", "the answer is not a Parameters resource with one non-blank valueString 'answer' of at"
            + " most 4000 characters"),

    REFUSED_BY_REVIEWER("DG-5101", "the practice's reviewer refused the request"),
    EXPIRED("DG-5102", "nobody at the practice decided the request in time; it has expired"),
    REVIEW_AGAIN("DG-5103",
            "the practice's disclosure policy has changed since the review and now refers the request to another"
                    + " reviewer; ask again"),
    ALREADY_RELEASED("DG-5104", "the approved answer has already been released"),
    POLLED_TOO_OFTEN("DG-5105", "a waiting case was polled again too soon"),
    WITHDRAWN("DG-5106", "the requester withdrew the request; nothing was released"),
    INFORMATION_REQUESTED("DG-5107", "the practice's reviewer asks a question; answer it to have the request"
            + " considered"),
    FIRST_APPROVAL("DG-5108", "one of two approvals has been given; the request waits for a second reviewer"),
    ANSWERED("DG-5109", "the requester answered the reviewer's question; the request is back with the reviewers");

    private final String code;
    private final String summary;

    ReviewError(String code, String summary) {
        this.code = code;
        this.summary = summary;
    }

    /** The stable code, such as {@code DG-5001}. */
    public String code() {
        return code;
    }

    /** One line saying what the code means. */
    public String summary() {
        return summary;
    }

    /** {@code code + " " + problem}: the form every message with this code takes. */
    public String format(String problem) {
        return code + " " + problem;
    }

    @Override
    public String toString() {
        return code;
    }
}

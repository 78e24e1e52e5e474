package org.disclosureguard.gateway;

/**
 * Every failure a requester can see, with a stable code, the HTTP status, the FHIR issue type and a message that
 * says what to do. The codes are listed in {@code docs/errors.md}; never reuse or renumber one.
 */
public enum GuardError {
    UPSTREAM_UNAVAILABLE("DG-1001", 503, "transient",
            "The practice FHIR server cannot be reached. Nothing was released; try again later."),
    UPSTREAM_TIMEOUT("DG-1002", 504, "timeout",
            "The practice FHIR server did not answer in time. Nothing was released; try again later."),
    UPSTREAM_ERROR("DG-1003", 502, "exception",
            "The practice FHIR server answered with an error. Nothing was released."),
    UPSTREAM_NOT_FHIR("DG-1004", 502, "exception",
            "The practice FHIR server's answer was not complete, valid FHIR JSON. Nothing was released."),
    UPSTREAM_REDIRECT("DG-1005", 502, "exception",
            "The practice FHIR server answered with a redirect, which the guard does not follow. Nothing was released."),
    UPSTREAM_TOO_LARGE("DG-1006", 502, "too-costly",
            "The practice FHIR server's answer is larger than the guard accepts. Nothing was released; narrow the search or use smaller pages."),
    UPSTREAM_UNEXPECTED("DG-1007", 502, "exception",
            "The practice FHIR server answered with something other than what was asked for. Nothing was released."),
    NOT_FOUND("DG-1101", 404, "not-found",
            "The resource was not found."),
    GONE("DG-1102", 410, "deleted",
            "The resource has been deleted."),
    UPSTREAM_REFUSED_REQUEST("DG-1103", 400, "invalid",
            "The practice FHIR server could not process this request. Check the search parameters and their values."),
    PAGE_EXPIRED("DG-1104", 410, "not-found",
            "This page of results is no longer available. Repeat the search."),
    FORMAT_NOT_SUPPORTED("DG-1201", 406, "not-supported",
            "The guard answers in FHIR JSON only. Ask for application/fhir+json or leave out _format."),
    NOT_OFFERED("DG-1202", 400, "not-supported",
            "The guard does not offer this request. It answers read and search of the resource types listed in its "
                    + "CapabilityStatement (GET /metadata), and paging through search results."),
    REVIEW_NOT_FOUND("DG-5001", 404, "not-found",
            "There is no review case with this id for you. Use the address the guard gave when it held the request, "
                    + "with the same credentials."),
    POLLED_TOO_OFTEN("DG-5105", 429, "throttled",
            "This held request was polled less than 10 seconds ago. Wait for the time in Retry-After before polling again."),
    REVIEW_CLOSED("DG-5002", 409, "conflict",
            "This held request has already been refused, has expired, was released or was withdrawn; it cannot be "
                    + "withdrawn now."),
    REVIEW_RELEASED("DG-5104", 410, "not-found",
            "The approved answer to this request has already been released; it is released once."),
    MALFORMED_REQUEST("DG-1205", 400, "invalid",
            "The request could not be read: check the encoding of its path, query and body."),
    PAGE_POLICY_CHANGED("DG-1206", 410, "not-found",
            "The disclosure policy has changed since this search was made, so its pages are no longer served. Repeat "
                    + "the search."),
    PAGE_NOT_ISSUED("DG-1204", 403, "forbidden",
            "This page of results was not issued to you. Page only through the links of your own searches."),
    STAFF_REQUEST_INVALID("DG-1203", 400, "invalid",
            "The request to a staff endpoint is not valid."),
    CREDENTIALS_REQUIRED("DG-1301", 401, "login",
            "This request carries no credentials. Outside the practice's own computer, every request must carry a "
                    + "signed token (Authorization: Bearer) or come over mutual TLS with the certificate the practice "
                    + "issued to you; see docs/requesters.md."),
    REDACTION_FAILED("DG-1502", 500, "exception",
            "The guard could not apply the disclosure policy to this answer. Nothing was released."),
    AUDIT_UNAVAILABLE("DG-1503", 503, "transient",
            "The guard could not record this request in its audit trail, so it released nothing. Try again later."),
    LABELLING_FAILED("DG-1501", 500, "exception",
            "The guard could not label this answer. Nothing was released."),
    INTERNAL("DG-1500", 500, "exception",
            "The guard met an internal error. Nothing was released.");

    private final String code;
    private final int status;
    private final String issueType;
    private final String message;

    GuardError(String code, int status, String issueType, String message) {
        this.code = code;
        this.status = status;
        this.issueType = issueType;
        this.message = message;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The FHIR {@code IssueType} code for the OperationOutcome. */
    public String issueType() {
        return issueType;
    }

    public String message() {
        return message;
    }
}

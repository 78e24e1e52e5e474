package org.disclosureguard.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request is refused by identity or policy: the answer is an OperationOutcome with a code from another part of
 * the guard (DG-3xxx from identity, DG-21xx from the policy, or a {@link GuardError}) and the headers that go with
 * it. The text is written by the guard or the policy, never copied from upstream content, and says nothing about
 * whether a patient exists. Immutable.
 */
public final class Refusal extends RuntimeException {

    private final int status;
    private final String code;
    private final String issueType;
    private final String text;
    private final Map<String, String> headers;

    /**
     * @param status the HTTP status (4xx or 5xx)
     * @param code the stable code, never {@code null}
     * @param issueType the FHIR IssueType code, never {@code null}
     * @param text the text shown to the requester, never {@code null}
     * @param headers extra response headers, never {@code null} (copied)
     */
    public Refusal(int status, String code, String issueType, String text, Map<String, String> headers) {
        super(code, null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.issueType = Objects.requireNonNull(issueType, "issueType");
        this.text = Objects.requireNonNull(text, "text");
        this.headers = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String issueType() {
        return issueType;
    }

    public String text() {
        return text;
    }

    /** Extra response headers, such as {@code WWW-Authenticate} or {@code X-DG-Decision}. */
    public Map<String, String> headers() {
        return headers;
    }
}

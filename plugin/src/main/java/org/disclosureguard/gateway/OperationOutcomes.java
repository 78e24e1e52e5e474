package org.disclosureguard.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the guard's OperationOutcome for a {@link GuardError}. Stateless and thread-safe. */
public final class OperationOutcomes {

    /** The code system of the guard's error codes. */
    public static final String ERROR_SYSTEM = "https://fhir.disclosureguard.org/CodeSystem/error";

    private OperationOutcomes() {}

    /** The OperationOutcome for an error, with the guard-written detail (if any) after the error's message. */
    public static ObjectNode of(GuardError error, String detail) {
        return of(error.code(), error.status(), error.issueType(), error.message() + (detail == null ? "" : " " + detail));
    }

    /** The OperationOutcome for a refusal by identity or policy (a code from outside {@link GuardError}). */
    public static ObjectNode of(Refusal refusal) {
        return of(refusal.code(), refusal.status(), refusal.issueType(), refusal.text());
    }

    /** An OperationOutcome with one {@code information} issue (a request held, not failed). */
    public static ObjectNode information(String code, String text) {
        ObjectNode outcome = of(code, 200, "informational", text);
        ((ObjectNode) outcome.path("issue").path(0)).put("severity", "information");
        return outcome;
    }

    /**
     * An OperationOutcome with the given guard code (DG-...), issue type and text; severity {@code fatal} for a
     * status of 500 and above, else {@code error}.
     */
    public static ObjectNode of(String code, int status, String issueType, String text) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode outcome = nodes.objectNode();
        outcome.put("resourceType", "OperationOutcome");
        ArrayNode issues = outcome.putArray("issue");
        ObjectNode issue = issues.addObject();
        issue.put("severity", status >= 500 ? "fatal" : "error");
        issue.put("code", issueType);
        ObjectNode details = issue.putObject("details");
        ObjectNode coding = details.putArray("coding").addObject();
        coding.put("system", ERROR_SYSTEM);
        coding.put("code", code);
        details.put("text", text);
        issue.put("diagnostics", code + ": " + text);
        return outcome;
    }
}

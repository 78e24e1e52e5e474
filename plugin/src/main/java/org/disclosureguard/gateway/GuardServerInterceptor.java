package org.disclosureguard.gateway;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's adjustments to HAPI's own answers: the CapabilityStatement says what the guard is and that it
 * speaks JSON only, and an unexpected exception never reaches the requester with its message, class name or
 * stack trace. Stateless and thread-safe.
 */
@Interceptor
public final class GuardServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(GuardServerInterceptor.class);

    private final String version;
    private final ResponsePath path;

    public GuardServerInterceptor(String version, ResponsePath path) {
        this.version = version;
        this.path = path;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describe(IBaseConformance conformance) {
        if (conformance instanceof CapabilityStatement statement) {
            statement.getSoftware().setName("Disclosure Guard").setVersion(version);
            statement.getImplementation().setDescription(
                    "Disclosure Guard in front of a GP practice FHIR server: every Patient, RelatedPerson and "
                            + "Practitioner it serves carries HL7 DS4P inline security labels.");
            statement.setFormat(List.of(new CodeType("application/fhir+json"), new CodeType("json")));
            statement.setPatchFormat(List.of());
            for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
                rest.getSecurity().setDescription("Internal requests from the practice network only. Demographic "
                        + "elements are labelled per https://hl7.org/fhir/uv/security-label-ds4p/.");
            }
        }
    }

    /**
     * Replaces any exception that is not a deliberate 4xx answer: one raised before HAPI could route the request
     * (a query, form body or path it cannot decode) by a 400 DG-1205, anything else by a plain DG-1500, logging the
     * original. A 4xx answer keeps its status, but a message quoting the request with characters outside printable
     * ASCII (HAPI's routing errors quote the path) gets them replaced by {@code ?}: HAPI's own handling, which runs
     * after the guard has answered, logs the message and encodes it in the format asked for, and XML cannot hold a
     * NUL (the encoder fails, HAPI-1850) while a line break would forge a log line.
     */
    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException scrub(RequestDetails request, Throwable exception,
            HttpServletRequest servletRequest, HttpServletResponse servletResponse) {
        if (exception instanceof BaseServerResponseException answer && answer.getStatusCode() < 500) {
            String message = answer.getMessage();
            String printable = printable(message);
            return printable.equals(message) ? null
                    : BaseServerResponseException.newInstance(answer.getStatusCode(), printable);
        }
        if (request.getRestOperationType() == null) {
            LOG.info("{} a request that could not be read was refused: {}", GuardError.MALFORMED_REQUEST.code(),
                    exception.toString());
            return new InvalidRequestException(GuardError.MALFORMED_REQUEST.code());
        }
        LOG.error("DG-1500 unexpected failure answering {}", request.getCompleteUrl(), exception);
        return new InternalErrorException(GuardError.INTERNAL.code() + ": " + GuardError.INTERNAL.message());
    }

    /** The text with every character outside printable ASCII replaced by {@code ?} ({@code ""} for null). */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** The FHIR restful interaction a request HAPI could not route comes closest to, for its audit entry. */
    static String interaction(String method, String target) {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        return switch (method == null ? "" : method.toUpperCase(java.util.Locale.ROOT)) {
            case "DELETE" -> "delete";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "POST" -> path.contains("$") ? "operation" : path.contains("_search") ? "search-type" : "create";
            default -> path.contains("$") ? "operation" : path.contains("_history") ? "history" : "read";
        };
    }

    /**
     * Answers every exception HAPI would answer itself (routing refusals, the scrubbed internal errors) with the
     * guard's own JSON OperationOutcome: DG-1202 with HAPI's 4xx status for a request the guard does not offer,
     * DG-1500 otherwise. Whatever format was asked for, the answer is JSON. A refusal is recorded in the audit trail
     * like every other answer ({@link ResponsePath#notOffered}). The answer is sealed
     * ({@link AnsweredResponse}) and HAPI's own handling is let run against it, because a hook returning
     * {@code false} here makes HAPI log every answered refusal as an ERROR with a stack trace.
     */
    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean answer(RequestDetails request, BaseServerResponseException exception,
            HttpServletRequest servletRequest, HttpServletResponse servletResponse) throws java.io.IOException {
        ResponsePath.Outbound answer;
        if (GuardError.MALFORMED_REQUEST.code().equals(exception.getMessage())) {
            answer = path.malformed();
        } else if (exception.getStatusCode() < 500) {
            String query = servletRequest.getQueryString();
            String target = (request.getRequestPath() == null ? "" : request.getRequestPath())
                    + (query == null ? "" : "?" + query);
            answer = path.notOffered(exception.getStatusCode(), interaction(servletRequest.getMethod(), target),
                    request.getResourceName(), target);
        } else {
            answer = path.error(GuardError.INTERNAL, null);
        }
        ResponsePathInterceptor.write(servletResponse, answer);
        return servletResponse instanceof AnsweredResponse answered && answered.sealed();
    }
}

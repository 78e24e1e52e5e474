package org.disclosureguard.gateway;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every request HAPI has routed to a bound read, search or page, or to the {@code $review} poll (GET only),
 * to the {@link ResponsePath}, and writes its answer; a read or search of a type that is not bound (HAPI routes
 * reads of the OperationDefinitions it serves itself) is answered as not offered. This runs after HAPI has matched
 * the request to a binding and before the binding's method, so HAPI's router decides what exists and this hook
 * decides what is released. The only other interaction HAPI routes, the CapabilityStatement, continues in HAPI once
 * the requester has accepted JSON. Stateless and thread-safe.
 */
@Interceptor
public final class ResponsePathInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ResponsePathInterceptor.class);
    private static final Set<String> JSON_FORMATS =
            Set.of("json", "application/json", "application/fhir+json", "application/json+fhir");

    private final ResponsePath path;
    private final Set<String> boundTypes;

    /**
     * @param boundTypes the resource types bound for read and search; HAPI also routes reads of types it serves
     *     itself (such as {@code OperationDefinition}), and those are not offered
     */
    public ResponsePathInterceptor(ResponsePath path, Collection<String> boundTypes) {
        this.path = Objects.requireNonNull(path, "path");
        this.boundTypes = Set.copyOf(boundTypes);
    }

    /**
     * Answers {@code DELETE [base]/$review?case=...} (a requester withdrawing its held request) and
     * {@code POST [base]/$review?case=...} (a requester answering the reviewer's question, a Parameters body of at
     * most {@value RequesterAnswer#MAX_BODY} bytes) before HAPI's router, which does not route DELETE to an
     * operation and would read a POST body as the operation's parameters.
     */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
    public boolean withdrawOrAnswer(HttpServletRequest servletRequest, HttpServletResponse servletResponse)
            throws IOException {
        String pathInfo = servletRequest.getPathInfo();
        boolean delete = "DELETE".equals(servletRequest.getMethod());
        boolean post = "POST".equals(servletRequest.getMethod());
        if ((!delete && !post) || pathInfo == null || !pathInfo.equals("/" + ResponsePath.REVIEW_OPERATION)) {
            return true;
        }
        String url = servletRequest.getRequestURL().toString();
        String base = url.substring(0, url.length() - pathInfo.length());
        if (delete) {
            String[] cases = servletRequest.getParameterValues("case");
            write(servletResponse, path.withdraw(cases == null || cases.length != 1 ? null : cases[0],
                    headers(servletRequest), trimSlash(base), connection(servletRequest)));
            return false;
        }
        String[] cases;
        try {
            cases = servletRequest.getQueryString() == null ? null : queryValues(servletRequest, "case");
        } catch (IllegalArgumentException e) {
            write(servletResponse, path.malformed());
            return false;
        }
        write(servletResponse, path.answerQuestion(cases == null || cases.length != 1 ? null : cases[0],
                readBody(servletRequest), headers(servletRequest), trimSlash(base), connection(servletRequest)));
        return false;
    }

    /** The values of one query parameter, decoded (read from the query string only, never from a body). */
    private static String[] queryValues(HttpServletRequest request, String name) {
        java.util.List<String> values = new java.util.ArrayList<>();
        for (String pair : request.getQueryString().split("&")) {
            int eq = pair.indexOf('=');
            String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                    java.nio.charset.StandardCharsets.UTF_8);
            if (key.equals(name)) {
                values.add(eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return values.toArray(new String[0]);
    }

    /** The body, or {@code null} when it is larger than {@link RequesterAnswer#MAX_BODY} bytes. */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (java.io.InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(RequesterAnswer.MAX_BODY + 1);
            return body.length > RequesterAnswer.MAX_BODY ? null : body;
        }
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean answer(RequestDetails request, HttpServletRequest servletRequest,
            HttpServletResponse servletResponse) throws IOException {
        RestOperationTypeEnum operation = request.getRestOperationType();
        ResponsePath.Outbound answer;
        try {
            if (operation == RestOperationTypeEnum.METADATA) {
                checkJsonAccepted(request, servletRequest);
                return true;
            }
            if (operation == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER
                    && ResponsePath.REVIEW_OPERATION.equals(request.getOperation())) {
                if (!"GET".equals(servletRequest.getMethod())) {
                    // HAPI routes other methods to the operation too, among them a DELETE whose path only resembles
                    // [base]/$review (a trailing slash, an encoded control character) and so missed the withdrawal:
                    // the poll is GET alone, everything else is not offered.
                    String query = servletRequest.getQueryString();
                    String target = ResponsePath.REVIEW_OPERATION + (query == null ? "" : "?" + query);
                    write(servletResponse, path.notOffered(GuardError.NOT_OFFERED.status(),
                            GuardServerInterceptor.interaction(servletRequest.getMethod(), target), null, target));
                    return false;
                }
                checkJsonAccepted(request, servletRequest);
                String[] cases = request.getParameters().get("case");
                write(servletResponse, path.poll(cases == null || cases.length != 1 ? null : cases[0],
                        headers(servletRequest), trimSlash(request.getFhirServerBase()), connection(servletRequest)));
                return false;
            }
            ResponsePath.Interaction interaction = switch (operation) {
                case READ -> ResponsePath.Interaction.READ;
                case SEARCH_TYPE -> ResponsePath.Interaction.SEARCH;
                case GET_PAGE -> ResponsePath.Interaction.PAGE;
                default -> throw new GuardException(GuardError.INTERNAL, "Interaction " + operation + " is not bound.", null);
            };
            if (interaction != ResponsePath.Interaction.PAGE && !boundTypes.contains(request.getResourceName())) {
                String query = servletRequest.getQueryString();
                String target = (request.getRequestPath() == null ? "" : request.getRequestPath())
                        + (query == null ? "" : "?" + query);
                write(servletResponse, path.notOffered(GuardError.NOT_OFFERED.status(),
                        GuardServerInterceptor.interaction(servletRequest.getMethod(), target),
                        request.getResourceName(), target));
                return false;
            }
            checkJsonAccepted(request, servletRequest);
            String id = interaction == ResponsePath.Interaction.READ ? request.getId().getIdPart() : null;
            answer = path.handle(new ResponsePath.Inbound(interaction, request.getResourceName(), id,
                    request.getParameters(), headers(servletRequest), trimSlash(request.getFhirServerBase()),
                    connection(servletRequest)));
        } catch (GuardException e) {
            answer = onTheWayIn(e.error(), request, servletRequest);
        } catch (Refusal refusal) {
            answer = path.refused(refusal);
        } catch (RuntimeException e) {
            LOG.error("DG-1500 unexpected failure on the response path", e);
            answer = onTheWayIn(GuardError.INTERNAL, request, servletRequest);
        }
        if (answer.status() >= 500) {
            LOG.warn("{} {} answered {}", servletRequest.getMethod(), request.getCompleteUrl(), answer.status());
        }
        write(servletResponse, answer);
        return false;
    }

    /** A refusal before the response path (the response path records its own answers), recorded all the same. */
    private ResponsePath.Outbound onTheWayIn(GuardError error, RequestDetails request,
            HttpServletRequest servletRequest) {
        String query = servletRequest.getQueryString();
        String target = (request.getRequestPath() == null ? "" : request.getRequestPath())
                + (query == null ? "" : "?" + query);
        return path.refusedOnTheWayIn(error, GuardServerInterceptor.interaction(servletRequest.getMethod(), target),
                request.getResourceName(), target);
    }

    private static void checkJsonAccepted(RequestDetails request, HttpServletRequest servletRequest) {
        String[] format = request.getParameters().get("_format");
        if (format != null) {
            for (String value : format) {
                if (!JSON_FORMATS.contains(value.toLowerCase(Locale.ROOT).split(";", 2)[0].trim())) {
                    throw new GuardException(GuardError.FORMAT_NOT_SUPPORTED);
                }
            }
            return;
        }
        String accept = servletRequest.getHeader("Accept");
        if (accept != null && !accept.isBlank()) {
            String lower = accept.toLowerCase(Locale.ROOT);
            if (!lower.contains("json") && !lower.contains("*/*") && !lower.contains("application/*")) {
                throw new GuardException(GuardError.FORMAT_NOT_SUPPORTED);
            }
        }
    }

    /** The request headers; a repeated header's values are joined with commas. */
    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, String.join(",", Collections.list(request.getHeaders(name))));
        }
        return headers;
    }

    private static DisclosureControl.Connection connection(HttpServletRequest request) {
        Object chain = request.getAttribute(DisclosureControl.CLIENT_CHAIN_ATTRIBUTE);
        return new DisclosureControl.Connection(chain instanceof X509Certificate[] certificates ? certificates : null,
                request.getRemoteAddr(), request.isSecure());
    }

    static void write(HttpServletResponse response, ResponsePath.Outbound answer) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.setContentLength(answer.content().length());
        try (OutputStream out = response.getOutputStream()) {
            answer.content().writeTo(out);
        }
        AnsweredResponse.seal(response);
    }

    private static String trimSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}

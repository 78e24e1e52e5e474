package org.disclosureguard.bench.load;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.disclosureguard.upstream.UpstreamClient;
import org.disclosureguard.upstream.UpstreamFailure;
import org.disclosureguard.upstream.UpstreamResponse;

/**
 * Answers every read, search and page request HAPI has routed by fetching the same request from the practice
 * server with {@link UpstreamClient} and writing its status and body unchanged, unparsed. The CapabilityStatement
 * is left to HAPI. An upstream failure is answered with a bare 502. Stateless and thread-safe.
 */
@Interceptor
public final class PassThroughInterceptor {

    private static final byte[] BAD_GATEWAY = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"exception\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    private final UpstreamClient upstream;

    public PassThroughInterceptor(UpstreamClient upstream) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean relay(RequestDetails request, HttpServletRequest servletRequest,
            HttpServletResponse servletResponse) throws IOException {
        RestOperationTypeEnum operation = request.getRestOperationType();
        String relative;
        if (operation == RestOperationTypeEnum.READ) {
            relative = request.getResourceName() + "/" + request.getId().getIdPart();
        } else if (operation == RestOperationTypeEnum.SEARCH_TYPE) {
            relative = request.getResourceName() + query(request.getParameters());
        } else if (operation == RestOperationTypeEnum.GET_PAGE) {
            relative = query(request.getParameters());
        } else {
            return true;
        }
        int status;
        byte[] body;
        try {
            UpstreamResponse response = upstream.get(relative, headers(servletRequest));
            status = response.status();
            body = response.body();
        } catch (UpstreamFailure failure) {
            status = 502;
            body = BAD_GATEWAY;
        }
        servletResponse.setStatus(status);
        servletResponse.setHeader("Content-Type", "application/fhir+json;charset=UTF-8");
        servletResponse.setContentLength(body.length);
        try (OutputStream out = servletResponse.getOutputStream()) {
            out.write(body);
        }
        return false;
    }

    private static String query(Map<String, String[]> parameters) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String[]> parameter : new TreeMap<>(parameters).entrySet()) {
            if (parameter.getKey().equals("_format") || parameter.getKey().equals("_pretty")) {
                continue;
            }
            for (String value : parameter.getValue()) {
                query.append(query.length() == 0 ? '?' : '&')
                        .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return query.toString();
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, request.getHeader(name));
        }
        return headers;
    }
}

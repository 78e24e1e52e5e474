package org.disclosureguard.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.disclosureguard.gateway.DisclosureControl;
import org.disclosureguard.gateway.GuardError;
import org.disclosureguard.gateway.OperationOutcomes;
import org.disclosureguard.staff.StaffSessions;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Who may use the {@code /staff} endpoints, and how they answer. Only the practice itself: plain HTTP from a
 * loopback address with no credentials, {@code X-DG-*} or forwarding headers
 * ({@link DisclosureControl#isLocalPlainRequest}); everyone else gets 404, so that outside requesters cannot tell
 * the endpoints exist. Stateless.
 */
final class StaffAccess {

    /** The staff session cookie (HttpOnly, SameSite=Strict, Path=/staff). */
    static final String SESSION_COOKIE = "dg_staff";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StaffAccess() {}

    static boolean fromThePractice(HttpServletRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, request.getHeader(name));
        }
        Object chain = request.getAttribute(DisclosureControl.CLIENT_CHAIN_ATTRIBUTE);
        return DisclosureControl.isLocalPlainRequest(headers, new DisclosureControl.Connection(
                chain instanceof X509Certificate[] c ? c : null, request.getRemoteAddr(), request.isSecure()));
    }

    /** The signed-in staff session of a request from the practice, from its session cookie. */
    static Optional<StaffSessions.Session> session(HttpServletRequest request, StaffSessions sessions) {
        if (!fromThePractice(request) || request.getCookies() == null) {
            return Optional.empty();
        }
        for (Cookie cookie : request.getCookies()) {
            if (SESSION_COOKIE.equals(cookie.getName())) {
                return sessions.find(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    static ResponseEntity<String> notFound() {
        return json(404, OperationOutcomes.of(GuardError.NOT_OFFERED, null));
    }

    static ResponseEntity<String> json(int status, JsonNode body) {
        try {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                    .header("Cache-Control", "no-store").body(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

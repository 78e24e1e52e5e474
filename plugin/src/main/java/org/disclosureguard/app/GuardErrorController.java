package org.disclosureguard.app;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.disclosureguard.gateway.GuardError;
import org.disclosureguard.gateway.OperationOutcomes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the errors the servlet container raises itself (a method Tomcat does not allow, such as TRACE, an unknown
 * path outside the FHIR endpoint) with the guard's OperationOutcome instead of Spring Boot's default error body:
 * DG-1202 with the container's status for a 4xx or 501, DG-1500 for anything else. Nothing about the request or the
 * exception is echoed. A method the container does not implement (501, such as PROPFIND) is answered 405: it is
 * the requester's request, not a fault of the guard.
 */
@RestController
class GuardErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value && value >= 400 && value <= 599 ? value : 500;
        if (status == 501) {
            status = 405;
        }
        GuardError error = status < 500 ? GuardError.NOT_OFFERED : GuardError.INTERNAL;
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType("application/fhir+json;charset=UTF-8"))
                .header("Cache-Control", "no-store").body(OperationOutcomes.of(error, null).toString());
    }
}

package org.disclosureguard.app;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.StoredEntry;
import org.disclosureguard.review.ReviewPages;
import org.disclosureguard.staff.StaffSessions;
import org.disclosureguard.tracing.AlertPages;
import org.disclosureguard.tracing.TracingAlerts;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tracing alerts, for signed-in practice staff ({@code docs/limits.md}): the recent alerts, and each alert with
 * the audit entries behind it. Only on the practice's own listener ({@link StaffAccess}); anyone else gets 404.
 */
@RestController
class StaffAlertController {

    private static final int ALERTS = 100;
    private static final int EVIDENCE = 200;
    private static final Pattern ALERT_ID = Pattern.compile("[0-9a-f-]{36}");

    private final TracingAlerts alerts;
    private final JdbcAuditStore store;
    private final StaffSessions sessions;

    StaffAlertController(TracingAlerts tracingAlerts, JdbcAuditStore auditStore, StaffSessions sessions) {
        this.alerts = tracingAlerts;
        this.store = auditStore;
        this.sessions = sessions;
    }

    @GetMapping(AlertPages.PATH)
    ResponseEntity<String> list(HttpServletRequest request) {
        Optional<ResponseEntity<String>> refused = refuse(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        return html(200, AlertPages.list(alerts.recent(ALERTS)));
    }

    @GetMapping(AlertPages.PATH + "/{id}")
    ResponseEntity<String> alert(HttpServletRequest request, @PathVariable("id") String id) {
        Optional<ResponseEntity<String>> refused = refuse(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<TracingAlerts.Stored> found = ALERT_ID.matcher(id).matches() ? alerts.find(id) : Optional.empty();
        if (found.isEmpty()) {
            return html(404, ReviewPages.message("No such alert", "There is no tracing alert with this id.",
                    AlertPages.PATH, "All alerts"));
        }
        List<StoredEntry> evidence = new ArrayList<>();
        for (long seq : found.get().alert().evidenceSeqs()) {
            if (evidence.size() == EVIDENCE) {
                break;
            }
            store.entriesFrom(seq, 1).stream().filter(e -> e.seq() == seq).findFirst().ifPresent(evidence::add);
        }
        return html(200, AlertPages.alert(found.get(), evidence));
    }

    /** 404 away from the practice, a redirect to sign in without a session, else nothing. */
    private Optional<ResponseEntity<String>> refuse(HttpServletRequest request) {
        if (StaffAccess.session(request, sessions).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(StaffAccess.fromThePractice(request)
                ? ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/staff/login").<String>build()
                : StaffAccess.notFound());
    }

    private static ResponseEntity<String> html(int status, String page) {
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
                .body(page);
    }
}

package org.disclosureguard.app;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.disclosureguard.notification.NotificationChannel;
import org.disclosureguard.notification.NotificationOutbox;
import org.disclosureguard.notification.NotificationPages;
import org.disclosureguard.notification.OutboxReconciler;
import org.disclosureguard.notification.OutboxRow;
import org.disclosureguard.review.ReviewPages;
import org.disclosureguard.staff.StaffSessions;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The clinician notifications, for signed-in practice staff ({@code docs/notifications.md}): what waits, what
 * failed, what a disabled channel holds, the recent deliveries, the last reconciliation of the audit trail with the
 * notifications, and a button per channel that tries its failed and disabled notifications again (CSRF-protected). Only on the practice's own listener ({@link StaffAccess}).
 */
@RestController
class StaffNotificationController {

    private static final int ROWS = 50;

    private final NotificationOutbox outbox;
    private final List<NotificationChannel> channels;
    private final StaffSessions sessions;
    private final OutboxReconciler reconciler;

    StaffNotificationController(NotificationOutbox outbox, List<NotificationChannel> notificationChannels,
            StaffSessions sessions, OutboxReconciler reconciler) {
        this.outbox = outbox;
        this.channels = notificationChannels;
        this.sessions = sessions;
        this.reconciler = reconciler;
    }

    @GetMapping(NotificationPages.PATH)
    ResponseEntity<String> page(HttpServletRequest request) {
        Optional<StaffSessions.Session> session = sessionOf(request);
        if (session.isEmpty()) {
            return StaffAccess.fromThePractice(request)
                    ? ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/staff/login").build()
                    : StaffAccess.notFound();
        }
        Map<String, List<OutboxRow>> rows = new LinkedHashMap<>();
        for (String status : List.of(NotificationOutbox.PENDING, NotificationOutbox.FAILED, NotificationOutbox.DISABLED)) {
            rows.put(status, outbox.rowsWithStatus(status, ROWS));
        }
        // Waiting and failed rows oldest first (what needs attention longest); delivered ones newest first.
        rows.put(NotificationOutbox.DELIVERED, outbox.newestRowsWithStatus(NotificationOutbox.DELIVERED, ROWS));
        return html(200, NotificationPages.page(outbox.health(), outbox.disabledChannels(), rows,
                channels.stream().map(NotificationChannel::name).toList(), session.get().csrf(), reconciler.last()));
    }

    @PostMapping(value = NotificationPages.PATH + "/requeue", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> requeue(HttpServletRequest request,
            @RequestParam(value = "csrf", required = false) String csrf,
            @RequestParam(value = "channel", required = false) String channel) {
        Optional<StaffSessions.Session> session = sessionOf(request);
        if (session.isEmpty()) {
            return StaffAccess.fromThePractice(request)
                    ? ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/staff/login").build()
                    : StaffAccess.notFound();
        }
        if (!session.get().csrfMatches(csrf) || channels.stream().noneMatch(c -> c.name().equals(channel))) {
            return html(403, ReviewPages.message("Not accepted", "This form is out of date or names no channel.",
                    NotificationPages.PATH, "Back to the notifications"));
        }
        int requeued = outbox.requeueFailed(channel) + outbox.requeueDisabled(channel);
        return html(200, ReviewPages.message("Tried again", requeued + " notification(s) on the " + channel
                + " channel will be delivered again.", NotificationPages.PATH, "Back to the notifications"));
    }

    private Optional<StaffSessions.Session> sessionOf(HttpServletRequest request) {
        return StaffAccess.session(request, sessions);
    }

    private static ResponseEntity<String> html(int status, String page) {
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
                .body(page);
    }
}

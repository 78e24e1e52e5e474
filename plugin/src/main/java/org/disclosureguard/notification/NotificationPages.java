package org.disclosureguard.notification;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.disclosureguard.text.HtmlText;

/**
 * The staff page about clinician notifications, as a pure function: how many wait, failed or are held by a
 * disabled channel, the oldest wait, and the recent rows of each kind, with the buttons that requeue a channel's
 * failed or disabled rows (posting the caller's CSRF token). Self-contained HTML: no scripts, nothing loaded,
 * everything escaped. Stateless.
 */
public final class NotificationPages {

    /** Where the page is served, and where its forms post ({@code /requeue}). */
    public static final String PATH = "/staff/notifications";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private NotificationPages() {}

    /**
     * @param health the outbox counts
     * @param disabled the disabled channels and why
     * @param rows recent rows by status ({@code pending}, {@code failed}, {@code disabled}, {@code delivered})
     * @param channels the channels configured
     * @param csrf the signed-in member's CSRF token
     */
    public static String page(OutboxHealth health, Map<String, String> disabled, Map<String, List<OutboxRow>> rows,
            List<String> channels, String csrf) {
        return page(health, disabled, rows, channels, csrf, java.util.Optional.empty());
    }

    /**
     * The page with the result of the last reconciliation of the audit chain with the outbox.
     *
     * @param reconciliation the last run of the periodic reconciliation, empty when none has finished (or it is off)
     */
    public static String page(OutboxHealth health, Map<String, String> disabled, Map<String, List<OutboxRow>> rows,
            List<String> channels, String csrf, java.util.Optional<Reconciliation> reconciliation) {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(reconciliation, "reconciliation");
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Clinician notifications - Disclosure Guard</title>\n<style>body{font-family:Arial,")
                .append("sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}th,td{")
                .append("border-bottom:1px solid #b1b4b6;padding:.3rem;text-align:left;font-size:.9rem}")
                .append(".alert{color:#942514}</style>\n</head>\n<body>\n<main>\n")
                .append("<h1>Clinician notifications</h1>\n<ul>\n")
                .append("<li>Waiting to be delivered: ").append(health.pending()).append("</li>\n")
                .append("<li>Failed after every retry: ").append(health.failed()).append("</li>\n")
                .append("<li>Held by a disabled channel: ").append(health.disabled()).append("</li>\n")
                .append("<li>Oldest waiting: ").append(health.oldestPending()
                        .map(d -> d.toMinutes() + " minute(s)").orElse("none")).append("</li>\n</ul>\n");
        b.append("<p>Channels: ").append(esc(String.join(", ", channels))).append("</p>\n");
        b.append("<h2>Reconciliation</h2>\n");
        if (reconciliation.isEmpty()) {
            b.append("<p>The audit trail has not been checked against the notifications since the guard started.</p>\n");
        } else {
            Reconciliation r = reconciliation.get();
            b.append("<p").append(r.totalRowsWritten() > 0 ? " class=\"alert\"" : "").append(">Last check ")
                    .append(time(r.at())).append(": ").append(r.entriesChecked())
                    .append(" audit entries read (from entry ").append(r.fromSeq()).append("); ");
            if (r.totalRowsWritten() == 0) {
                b.append("no notification was missing.");
            } else {
                b.append(r.totalRowsWritten()).append(" missing notification(s) written again");
                r.rowsWritten().forEach((channel, n) -> b.append(", ").append(esc(channel)).append(": ").append(n));
                b.append(" (audit entries ").append(esc(r.repairedSeqs().stream().limit(20).map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", "))))
                        .append(r.repairedSeqs().size() > 20 ? ", ..." : "").append(").");
            }
            b.append("</p>\n");
        }
        for (Map.Entry<String, String> channel : disabled.entrySet()) {
            b.append("<p class=\"alert\">The ").append(esc(channel.getKey())).append(" channel is disabled: ")
                    .append(esc(channel.getValue())).append("</p>\n");
        }
        for (String channel : channels) {
            b.append("<form method=\"post\" action=\"").append(PATH).append("/requeue\">")
                    .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(esc(csrf)).append("\">")
                    .append("<input type=\"hidden\" name=\"channel\" value=\"").append(esc(channel)).append("\">")
                    .append("<button type=\"submit\">Try the failed and disabled ").append(esc(channel))
                    .append(" notifications again</button></form>\n");
        }
        for (Map.Entry<String, List<OutboxRow>> kind : rows.entrySet()) {
            b.append("<h2>").append(esc(capital(kind.getKey()))).append("</h2>\n");
            if (kind.getValue().isEmpty()) {
                b.append("<p>None.</p>\n");
                continue;
            }
            b.append("<table>\n<thead><tr><th>Notice</th><th>Channel</th><th>Audit entry</th><th>Attempts</th>")
                    .append("<th>Next attempt</th><th>Delivered</th><th>Last error</th></tr></thead>\n<tbody>\n");
            for (OutboxRow row : kind.getValue()) {
                b.append("<tr><td>").append(esc(row.noticeId())).append("</td><td>").append(esc(row.channel()))
                        .append("</td><td>").append(row.auditSeq()).append("</td><td>").append(row.attempts())
                        .append("</td><td>").append(time(row.nextAttempt())).append("</td><td>")
                        .append(time(row.delivered())).append("</td><td>").append(esc(row.lastError()))
                        .append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        b.append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static String time(Instant t) {
        return t == null ? "" : TIME.format(t.atZone(LONDON));
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String esc(String s) {
        return HtmlText.escape(s);
    }
}

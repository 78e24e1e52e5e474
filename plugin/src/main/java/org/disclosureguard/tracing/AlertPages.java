package org.disclosureguard.tracing;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.StoredEntry;
import org.disclosureguard.text.HtmlText;

/**
 * The staff pages about tracing alerts, as pure functions: the list of recent alerts, and one alert with the audit
 * entries behind it, each patient linked to the staff accounting page ({@code /staff/audit/patients/<id>/accounting}).
 * Self-contained HTML: no scripts, nothing loaded, everything escaped. Stateless.
 */
public final class AlertPages {

    /** Where the list is served; one alert is at {@code PATH + "/" + alertId}. */
    public static final String PATH = "/staff/alerts";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private AlertPages() {}

    /** The recent alerts, newest first. */
    public static String list(List<TracingAlerts.Stored> alerts) {
        StringBuilder b = head("Tracing alerts");
        b.append("<h1>Tracing alerts</h1>\n<p>Requests whose pattern looked like tracing, against the thresholds of ")
                .append("the policy's <code>tracing</code> section. Each alert was sent to the Caldicott Guardian ")
                .append("through the notification channels and recorded in the audit trail.</p>\n");
        if (alerts.isEmpty()) {
            b.append("<p>No alerts.</p>\n");
        } else {
            b.append("<table>\n<thead><tr><th>Raised</th><th>Pattern</th><th>What was seen</th><th>Audit entry</th>")
                    .append("<th>Evidence</th></tr></thead>\n<tbody>\n");
            for (TracingAlerts.Stored stored : alerts) {
                TracingAlert a = stored.alert();
                b.append("<tr><td>").append(time(a.raisedAt())).append("</td><td>").append(esc(a.pattern().code()))
                        .append("</td><td>").append(esc(a.summary())).append("</td><td>").append(stored.auditSeq())
                        .append("</td><td><a href=\"").append(PATH).append('/').append(esc(a.alertId())).append("\">")
                        .append(a.evidenceSeqs().size()).append(" audit entries</a></td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        return tail(b);
    }

    /**
     * One alert with the audit entries behind it.
     *
     * @param evidence the stored entries of {@code alert.evidenceSeqs()} that could be read, in order
     */
    public static String alert(TracingAlerts.Stored stored, List<StoredEntry> evidence) {
        Objects.requireNonNull(stored, "stored");
        TracingAlert a = stored.alert();
        StringBuilder b = head("Tracing alert");
        b.append("<h1>Tracing alert</h1>\n<ul>\n")
                .append("<li>Raised: ").append(time(a.raisedAt())).append("</li>\n")
                .append("<li>Pattern: ").append(esc(a.pattern().code())).append(" (").append(esc(a.pattern().words()))
                .append(")</li>\n")
                .append("<li>Seen: ").append(esc(a.summary())).append("</li>\n")
                .append("<li>Requester: ").append(esc(a.requesterId())).append("</li>\n");
        if (!a.patientId().isEmpty()) {
            b.append("<li>Patient: ").append(patient(a.patientId())).append("</li>\n");
        }
        b.append("<li>Policy: ").append(esc(a.policyVersion())).append("</li>\n")
                .append("<li>This alert's audit entry: ").append(stored.auditSeq()).append(" (request id ")
                .append(esc(a.alertId())).append(")</li>\n</ul>\n");
        b.append("<h2>The audit entries behind it</h2>\n<table>\n<thead><tr><th>Audit entry</th><th>Request id</th>")
                .append("<th>Time</th><th>Requester</th><th>Interaction</th><th>Target</th><th>Outcome</th>")
                .append("<th>Code</th><th>Patients</th></tr></thead>\n<tbody>\n");
        for (StoredEntry s : evidence) {
            AuditEntry e = s.entry();
            b.append("<tr><td>").append(s.seq()).append("</td><td>").append(esc(e.requestId())).append("</td><td>")
                    .append(time(e.time())).append("</td><td>").append(esc(e.requesterId())).append("</td><td>")
                    .append(esc(e.interaction())).append("</td><td>").append(esc(e.target())).append("</td><td>")
                    .append(esc(e.outcome().code())).append("</td><td>").append(esc(e.code())).append("</td><td>");
            for (int i = 0; i < e.patients().size(); i++) {
                b.append(i == 0 ? "" : ", ").append(patient(e.patients().get(i)));
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        if (evidence.size() < a.evidenceSeqs().size()) {
            b.append("<p>").append(a.evidenceSeqs().size() - evidence.size())
                    .append(" more audit entries: ").append(esc(a.evidenceSeqs().subList(evidence.size(),
                            a.evidenceSeqs().size()).toString())).append("</p>\n");
        }
        b.append("<p><a href=\"").append(PATH).append("\">All alerts</a></p>\n");
        return tail(b);
    }

    /** A patient, linked to the staff accounting page when it is a logical id. */
    private static String patient(String id) {
        if (!PATIENT_ID.matcher(id).matches()) {
            return esc(id);
        }
        return "<a href=\"/staff/audit/patients/" + esc(id) + "/accounting\">Patient/" + esc(id) + "</a>";
    }

    private static StringBuilder head(String title) {
        return new StringBuilder().append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>").append(esc(title)).append(" - Disclosure Guard</title>\n<style>body{font-family:")
                .append("Arial,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;width:100%}th,td{")
                .append("border-bottom:1px solid #b1b4b6;padding:.3rem;text-align:left;font-size:.9rem}</style>\n")
                .append("</head>\n<body>\n<main>\n");
    }

    private static String tail(StringBuilder b) {
        return b.append("</main>\n</body>\n</html>\n").toString();
    }

    private static String time(Instant t) {
        return TIME.format(t.atZone(LONDON));
    }

    private static String esc(String s) {
        return HtmlText.escape(s);
    }
}

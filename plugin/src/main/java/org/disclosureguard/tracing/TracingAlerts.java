package org.disclosureguard.tracing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.disclosureguard.audit.TransactionalWrite;

/**
 * The tracing alerts raised (tables {@code tracing_alert} and {@code tracing_alert_evidence}, migration
 * {@code V5__tracing_alerts.sql}). {@link #write} gives the {@link TransactionalWrite} to pass to the audit store's
 * append of the alert's own audit entry, so that the alert, its entry and its notification rows commit together or
 * not at all. {@link #recent} and {@link #find} read them back for the staff page.
 *
 * <p>Thread-safe: holds no mutable state besides the data source.
 */
public final class TracingAlerts {

    /**
     * A stored alert.
     *
     * @param alert the alert
     * @param auditSeq the sequence number of the alert's own audit entry
     */
    public record Stored(TracingAlert alert, long auditSeq) {}

    private final DataSource dataSource;

    /** @param dataSource the guard's database (migrated) */
    public TracingAlerts(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The write that stores the alert, with the sequence number of its own audit entry. */
    public TransactionalWrite write(TracingAlert alert) {
        Objects.requireNonNull(alert, "alert");
        return (connection, seq) -> insert(connection, alert, seq);
    }

    private static void insert(Connection c, TracingAlert a, long seq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tracing_alert (alert_id, audit_seq, raised_ms, "
                + "pattern, requester_id, organisation, requester_class, patient_id, requesters, observed, "
                + "threshold_count, window_seconds, policy_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, a.alertId());
            s.setLong(2, seq);
            s.setLong(3, a.raisedAt().toEpochMilli());
            s.setString(4, a.pattern().code());
            s.setString(5, cut(a.requesterId(), 1000));
            s.setString(6, cut(a.organisation(), 1000));
            s.setString(7, cut(a.requesterClass(), 200));
            s.setString(8, cut(a.patientId(), 200));
            s.setString(9, cut(String.join(",", a.requesters()), 20000));
            s.setInt(10, a.observed());
            s.setInt(11, a.threshold());
            s.setLong(12, a.window().toSeconds());
            s.setString(13, cut(a.policyVersion(), 100));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO tracing_alert_evidence (alert_id, audit_seq, request_id) VALUES (?, ?, ?)")) {
            for (int i = 0; i < a.evidenceSeqs().size(); i++) {
                s.setString(1, a.alertId());
                s.setLong(2, a.evidenceSeqs().get(i));
                s.setString(3, cut(a.evidenceRequestIds().get(i), 200));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * The most recent alerts, newest first.
     *
     * @throws IllegalStateException when the database cannot be read
     */
    public List<Stored> recent(int limit) {
        return query("ORDER BY raised_ms DESC, alert_id LIMIT ?", limit);
    }

    /**
     * One alert with its evidence.
     *
     * @throws IllegalStateException when the database cannot be read
     */
    public Optional<Stored> find(String alertId) {
        return query("WHERE alert_id = ?", alertId).stream().findFirst();
    }

    private List<Stored> query(String where, Object parameter) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT alert_id, audit_seq, raised_ms, pattern, requester_id, "
                     + "organisation, requester_class, patient_id, requesters, observed, threshold_count, "
                     + "window_seconds, policy_version FROM tracing_alert " + where);
             PreparedStatement e = c.prepareStatement("SELECT audit_seq, request_id FROM tracing_alert_evidence "
                     + "WHERE alert_id = ? ORDER BY audit_seq")) {
            s.setObject(1, parameter);
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    List<Long> seqs = new ArrayList<>();
                    List<String> requestIds = new ArrayList<>();
                    e.setString(1, id);
                    try (ResultSet ev = e.executeQuery()) {
                        while (ev.next()) {
                            seqs.add(ev.getLong(1));
                            requestIds.add(ev.getString(2));
                        }
                    }
                    String requesters = rs.getString(9);
                    out.add(new Stored(new TracingAlert(id, TracingPattern.fromCode(rs.getString(4)),
                            Instant.ofEpochMilli(rs.getLong(3)), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), requesters.isEmpty() ? List.of() : Arrays.asList(requesters.split(",")),
                            rs.getInt(10), rs.getInt(11), Duration.ofSeconds(rs.getLong(12)), rs.getString(13), seqs,
                            requestIds, ""), rs.getLong(2)));
                }
            }
            return out;
        } catch (SQLException ex) {
            throw new IllegalStateException("DG-2502: the tracing alerts cannot be read: " + ex.getMessage(), ex);
        }
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}

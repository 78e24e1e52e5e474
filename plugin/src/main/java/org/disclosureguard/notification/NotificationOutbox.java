package org.disclosureguard.notification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.StoredEntry;
import org.disclosureguard.audit.TransactionalWrite;

/**
 * The transactional outbox of clinician notices (table {@code notification_outbox}, migration
 * {@code V3__notification_outbox.sql}).
 *
 * <p><b>Writing.</b> {@link #writesFor} gives the {@link TransactionalWrite} to pass to
 * {@code JdbcAuditStore.append(entry, writes)}: inside the audit entry's transaction, with the entry's sequence
 * number, it builds the entry's notices and inserts one {@code pending} row per notice and configured channel. The
 * disclosure's audit entry and its notification rows therefore commit together or not at all. For an entry that is
 * not a disclosure it gives no write, except that {@link #writesFor(AuditEntry, List, boolean)} gives restricted-record
 * notices for an outside request about a restricted record that was held for review or refused.
 *
 * <p><b>Reading.</b> {@link #health} counts pending and failed rows and the age of the oldest pending one;
 * {@link #rows} lists a notice's rows (for operations and tests); {@link #requeueFailed} puts dead letters back;
 * {@link #disabledChannels} and {@link #requeueDisabled} show and re-enable channels whose receiver said it is gone;
 * {@link #unnotifiedDisclosures} finds disclosures in the audit chain that have no outbox rows at all, and
 * {@link #reconcile} writes back the rows that audit entries should have and do not.
 *
 * <p>Thread-safe: holds no mutable state besides the data source.
 */
public final class NotificationOutbox {

    /** Status of a row still to be delivered. */
    public static final String PENDING = "pending";
    /** Status of a delivered row. */
    public static final String DELIVERED = "delivered";
    /** Status of a dead letter: every attempt failed. */
    public static final String FAILED = "failed";
    /**
     * Status of a row held back because its channel's receiver answered that it is gone (410): not attempted until
     * an operator calls {@link #requeueDisabled}.
     */
    public static final String DISABLED = "disabled";

    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final DataSource dataSource;
    private final NoticeFactory factory;
    private final List<String> channels;
    private final Clock clock;

    /**
     * @param dataSource the guard's database (migrated)
     * @param factory builds the notices
     * @param channels the names of the channels the practice has enabled; a row is written for each
     * @param clock the time rows are created and first due
     * @throws IllegalArgumentException when there is no channel, or a name is malformed or repeated
     */
    public NotificationOutbox(DataSource dataSource, NoticeFactory factory, List<String> channels, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.channels = List.copyOf(channels);
        if (this.channels.isEmpty()) {
            throw new IllegalArgumentException("DG-6008: no notification channel is enabled; enable at least "
                    + "guard.notification.fhir-inbox");
        }
        if (this.channels.stream().distinct().count() != this.channels.size()
                || !this.channels.stream().allMatch(c -> CHANNEL.matcher(c).matches())) {
            throw new IllegalArgumentException("DG-6008: channel names must be distinct, lower case, at most 32 "
                    + "characters: " + this.channels);
        }
    }

    /** The channels rows are written for. */
    public List<String> channels() {
        return channels;
    }

    /**
     * The writes to run in the audit append's transaction for this entry.
     *
     * @param entry the audit entry about to be appended
     * @param subjects for a disclosure, one per patient of {@code entry.patients()} (ignored otherwise)
     * @return one write for a disclosure about at least one patient, else an empty list
     * @throws IllegalArgumentException (before anything is written) when the subjects do not match the entry's
     *     patients
     */
    public List<TransactionalWrite> writesFor(AuditEntry entry, List<NoticeSubject> subjects) {
        Objects.requireNonNull(entry, "entry");
        if (!entry.disclosure() || entry.patients().isEmpty()) {
            return List.of();
        }
        NoticeFactory.checkSubjects(entry, subjects);
        List<NoticeSubject> copy = List.copyOf(subjects);
        return List.of((connection, seq) -> insert(connection, factory.notices(entry, seq, copy)));
    }

    /**
     * The writes to run in the audit append's transaction for this entry, with notices for a restricted patient.
     *
     * <p>For a disclosure, exactly as {@link #writesFor(AuditEntry, List)}: {@code restrictedRecord} changes nothing
     * (the disclosure notice is the same). For a request from an outside party that was held for review
     * ({@code escalate}) or refused by the policy ({@code deny}) and {@code restrictedRecord} is true, one write that
     * inserts a restricted-record notice ({@link Notice#RESTRICTED_HELD} or {@link Notice#RESTRICTED_REFUSED}) per
     * subject on every channel. Otherwise no write.
     *
     * @param entry the audit entry about to be appended
     * @param subjects for a disclosure, one per patient of {@code entry.patients()}; for a held or refused request
     *     about a restricted record, the restricted patients it was about (each named in {@code entry.patients()} by
     *     logical id, or resolved from an identifier the entry names), at least one
     * @param restrictedRecord whether the request was about a patient whose record is restricted
     * @return at most one write
     * @throws IllegalArgumentException (before anything is written) when the subjects do not fit the entry
     */
    public List<TransactionalWrite> writesFor(AuditEntry entry, List<NoticeSubject> subjects,
                                              boolean restrictedRecord) {
        Objects.requireNonNull(entry, "entry");
        if (entry.disclosure() || !restrictedRecord || !NoticeFactory.heldOrRefusedOutside(entry)) {
            return writesFor(entry, subjects);
        }
        NoticeFactory.checkRestrictedSubjects(entry, subjects);
        List<NoticeSubject> copy = List.copyOf(subjects);
        return List.of((connection, seq) -> insert(connection, factory.restrictedNotices(entry, seq, copy)));
    }

    /**
     * The write to run in the transaction that appends a tracing alert's own audit entry: with that entry's sequence
     * number, it inserts one {@link Notice#TRACING_ALERT} notice to the Caldicott Guardian per configured channel.
     * The parameters are those of {@link NoticeFactory#alertNotice}.
     */
    public TransactionalWrite alertWrite(String alertId, Instant time, String recipient, String organisation,
            String requesterClass, String alert, String where) {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(time, "time");
        return (connection, seq) -> insert(connection,
                List.of(factory.alertNotice(seq, alertId, time, recipient, organisation, requesterClass, alert, where)));
    }

    /** A new pending row, due now: notice id, channel, audit seq, request id, notice JSON, created, next attempt. */
    private static final String INSERT_PENDING = "INSERT INTO notification_outbox (notice_id, channel, audit_seq, "
            + "request_id, notice, status, attempts, created_ms, next_attempt_ms, claimed_until_ms) "
            + "VALUES (?, ?, ?, ?, ?, '" + PENDING + "', 0, ?, ?, 0)";

    private static void bindPending(PreparedStatement s, Notice notice, String channel, String json, long now)
            throws SQLException {
        s.setString(1, notice.noticeId());
        s.setString(2, channel);
        s.setLong(3, notice.auditSeq());
        s.setString(4, notice.requestId());
        s.setString(5, json);
        s.setLong(6, now);
        s.setLong(7, now);
    }

    /** Inserts pending rows for the notices, one per configured channel, on the caller's connection. */
    void insert(Connection connection, List<Notice> notices) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement s = connection.prepareStatement(INSERT_PENDING)) {
            for (Notice notice : notices) {
                String json = NoticeJson.write(notice);
                for (String channel : channels) {
                    bindPending(s, notice, channel, json, now);
                    s.addBatch();
                }
            }
            s.executeBatch();
        }
    }

    /**
     * The outbox's state for a health check.
     *
     * @throws IllegalStateException when the database cannot be read
     */
    public OutboxHealth health() {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT status, COUNT(*), MIN(created_ms) "
                     + "FROM notification_outbox WHERE status IN ('" + PENDING + "', '" + FAILED + "', '" + DISABLED
                     + "') GROUP BY status");
             ResultSet rs = s.executeQuery()) {
            long pending = 0;
            long failed = 0;
            long disabled = 0;
            Optional<Duration> oldest = Optional.empty();
            while (rs.next()) {
                if (PENDING.equals(rs.getString(1))) {
                    pending = rs.getLong(2);
                    oldest = Optional.of(Duration.ofMillis(Math.max(0, now - rs.getLong(3))));
                } else if (FAILED.equals(rs.getString(1))) {
                    failed = rs.getLong(2);
                } else {
                    disabled = rs.getLong(2);
                }
            }
            return new OutboxHealth(pending, failed, disabled, oldest);
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The rows of one audit entry's notices, by notice id and channel.
     *
     * @throws IllegalStateException when the database cannot be read
     */
    public List<OutboxRow> rows(long auditSeq) {
        return query("WHERE audit_seq = ? ORDER BY notice_id, channel", auditSeq);
    }

    /** Every row with the given status, oldest first (at most {@code limit}). */
    public List<OutboxRow> rowsWithStatus(String status, int limit) {
        return query("WHERE status = ? ORDER BY created_ms, notice_id, channel LIMIT ?", status, limit);
    }

    /** The newest rows with the given status, newest first (at most {@code limit}): what was delivered lately. */
    public List<OutboxRow> newestRowsWithStatus(String status, int limit) {
        return query("WHERE status = ? ORDER BY created_ms DESC, audit_seq DESC, notice_id, channel LIMIT ?", status,
                limit);
    }

    /**
     * Puts every dead letter of a channel back to pending with a fresh count of attempts, due now (after the
     * receiver is fixed).
     *
     * @return how many rows were requeued
     */
    public int requeueFailed(String channel) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET status = '" + PENDING
                     + "', attempts = 0, next_attempt_ms = ?, claimed_until_ms = 0, claim_token = NULL "
                     + "WHERE status = '" + FAILED + "' AND channel = ?")) {
            s.setLong(1, clock.millis());
            s.setString(2, channel);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be updated: " + e.getMessage(), e);
        }
    }

    /**
     * The channels disabled because their receiver answered that it is gone (410), with the reason, in every
     * instance (the state is in the database).
     *
     * @return channel name to reason
     * @throws IllegalStateException when the database cannot be read
     */
    public Map<String, String> disabledChannels() {
        try (Connection c = dataSource.getConnection()) {
            Map<String, String> disabled = new TreeMap<>();
            ChannelStates.read(c).forEach((channel, state) -> {
                if (state.disabled()) {
                    disabled.put(channel, state.reason() == null ? "" : state.reason());
                }
            });
            return disabled;
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Re-enables a channel whose receiver answered 410 Gone (after it is fixed or replaced) and puts its
     * {@code disabled} rows back to pending with a fresh count of attempts, due now, in one transaction; any
     * {@code Retry-After} pause of the channel is lifted too. Every instance sees it at its next poll.
     *
     * @return how many rows were requeued
     * @throws IllegalStateException when the database cannot be updated (nothing changed)
     */
    public int requeueDisabled(String channel) {
        Objects.requireNonNull(channel, "channel");
        try {
            return Transactions.run(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET status = '" + PENDING
                        + "', attempts = 0, next_attempt_ms = ?, claimed_until_ms = 0, claim_token = NULL "
                        + "WHERE status = '" + DISABLED + "' AND channel = ?")) {
                    long now = clock.millis();
                    ChannelStates.enable(c, channel, now, "operator");
                    s.setLong(1, now);
                    s.setString(2, channel);
                    return s.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be updated: " + e.getMessage(), e);
        }
    }

    /**
     * Reconciles the audit chain with the outbox: the sequence numbers of audit entries from {@code fromSeq} on (at
     * most {@code limit} entries read) that are disclosures about at least one patient but have no outbox row. With
     * the gateway passing {@link #writesFor} to every append this is always empty; an entry here was appended
     * without them (or before notifications were enabled).
     *
     * @throws IllegalStateException when the database cannot be read
     */
    public List<Long> unnotifiedDisclosures(JdbcAuditStore audit, long fromSeq, int limit) {
        List<Long> missing = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM notification_outbox WHERE audit_seq = ?")) {
            for (StoredEntry stored : audit.entriesFrom(fromSeq, limit)) {
                if (!stored.entry().disclosure() || stored.entry().patients().isEmpty()) {
                    continue;
                }
                s.setLong(1, stored.seq());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getLong(1) == 0) {
                        missing.add(stored.seq());
                    }
                }
            }
            return missing;
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Restores the outbox rows that audit entries from {@code fromSeq} on (at most {@code limit} entries) should have
     * and do not, and says what it wrote. Idempotent: a row is keyed by its notice id and channel, and the notice id is
     * derived from the audit sequence number, request id and patient id ({@link NoticeFactory}), so running it again,
     * or on several instances at once, writes nothing twice.
     *
     * <ul>
     *   <li>A disclosure about at least one patient must have one row per notice and configured channel. A missing
     *       row whose notice has a row on another channel is written from that row's notice (the same text, clinician
     *       and masked NHS number). A notice with no row at all is rebuilt from the audit entry, which records neither
     *       the registered clinician nor the NHS number: the rebuilt notice names neither (the FHIR inbox writes it
     *       without {@code recipient}; e-mail goes to the practice's addresses).</li>
     *   <li>A held or refused outside request ({@code escalate}, {@code deny}) that has restricted-record notices
     *       gets its missing channel rows from them. One with no row at all is not touched: the audit entry does not
     *       say whether the record was restricted.</li>
     * </ul>
     *
     * <p>New rows are pending and due now. Rows already there are left as they are (a delivered row stays delivered).
     *
     * @throws IllegalStateException when the audit chain or the outbox cannot be read or written (DG-6010)
     */
    public Reconciliation reconcile(JdbcAuditStore audit, long fromSeq, int limit) {
        Objects.requireNonNull(audit, "audit");
        Instant at = clock.instant();
        List<StoredEntry> entries = audit.entriesFrom(fromSeq, limit);
        long next = fromSeq;
        List<Long> repaired = new ArrayList<>();
        Map<String, Integer> written = new TreeMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            for (StoredEntry stored : entries) {
                next = Math.max(next, stored.seq() + 1);
                Map<String, Existing> existing = existingRows(c, stored.seq());
                List<Notice> due = dueNotices(stored, existing);
                boolean any = false;
                for (Notice notice : due) {
                    Existing have = existing.get(notice.noticeId());
                    String json = have == null ? NoticeJson.write(notice) : have.json();
                    for (String channel : channels) {
                        if (have != null && have.channels().contains(channel)) {
                            continue;
                        }
                        if (insertIfAbsent(c, notice, channel, json)) {
                            written.merge(channel, 1, Integer::sum);
                            any = true;
                        }
                    }
                }
                if (any) {
                    repaired.add(stored.seq());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be reconciled: " + e.getMessage(),
                    e);
        }
        return new Reconciliation(at, fromSeq, next, entries.size(), repaired, written);
    }

    /** The notices an audit entry should have rows for, as stored where a row exists, else rebuilt from the entry. */
    private List<Notice> dueNotices(StoredEntry stored, Map<String, Existing> existing) {
        AuditEntry entry = stored.entry();
        if (entry.disclosure() && !entry.patients().isEmpty()) {
            List<NoticeSubject> subjects;
            try {
                subjects = entry.patients().stream().map(p -> NoticeSubject.of(p, null, null)).toList();
            } catch (IllegalArgumentException e) {
                return List.of();
            }
            return factory.notices(entry, stored.seq(), subjects).stream()
                    .map(n -> existing.containsKey(n.noticeId()) ? NoticeJson.read(existing.get(n.noticeId()).json())
                            : n)
                    .toList();
        }
        if (NoticeFactory.heldOrRefusedOutside(entry) && !existing.isEmpty()) {
            return existing.values().stream().map(e -> NoticeJson.read(e.json())).filter(Notice::restricted).toList();
        }
        return List.of();
    }

    private record Existing(String json, java.util.Set<String> channels) {
    }

    private static Map<String, Existing> existingRows(Connection c, long seq) throws SQLException {
        Map<String, Existing> rows = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT notice_id, channel, notice FROM notification_outbox WHERE audit_seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getString(1), id -> new Existing(null, new java.util.TreeSet<>()));
                    Existing e = rows.get(rs.getString(1));
                    e.channels().add(rs.getString(2));
                    if (e.json() == null) {
                        rows.put(rs.getString(1), new Existing(rs.getString(3), e.channels()));
                    }
                }
            }
        }
        return rows;
    }

    /** Inserts one pending row unless another instance did first (the primary key keeps one). */
    private boolean insertIfAbsent(Connection c, Notice notice, String channel, String json) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement s = c.prepareStatement(INSERT_PENDING)) {
            bindPending(s, notice, channel, json, now);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    private List<OutboxRow> query(String where, Object... params) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT notice_id, channel, audit_seq, status, attempts, "
                     + "next_attempt_ms, last_error, delivered_ms, notice FROM notification_outbox " + where)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<OutboxRow> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long deliveredMs = rs.getLong(8);
                    Instant delivered = rs.wasNull() ? null : Instant.ofEpochMilli(deliveredMs);
                    out.add(new OutboxRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getInt(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7), delivered,
                            rs.getString(9)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be read: " + e.getMessage(), e);
        }
    }
}

package org.disclosureguard.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The durable, hash-chained audit store over the guard's database (tables of {@code V1__audit_chain.sql}; format in
 * {@code docs/audit-format.md}).
 *
 * <p><b>Appending.</b> {@link #append(AuditEntry, List)} runs one transaction: lock the head row
 * ({@code SELECT ... FOR UPDATE}), give the entry the next sequence number, hash it onto the previous hash, insert
 * the entry and its patient index rows, run the caller's {@link TransactionalWrite}s, move the head, commit. The
 * head lock serialises appends from every thread and every guard instance (separate pools, separate processes) that
 * shares the database, so the chain stays one gap-free sequence. The method returns only after the commit; any
 * failure rolls the whole transaction back and throws {@link AuditUnavailableException}. Connections must use the
 * databases' default isolation, READ COMMITTED.
 *
 * <p><b>Durability.</b> On PostgreSQL a returned append survives a crash with the default
 * {@code synchronous_commit = on}. On an H2 file, commits are written to the operating system at once only with
 * {@code WRITE_DELAY=0} in the URL (H2's default delays writes by up to 500 ms); see {@code docs/operations.md}.
 *
 * <p><b>Reading.</b> The read methods decode each entry from its stored canonical bytes (the bytes that were
 * hashed), page by sequence number ({@code limit} at least 1, else {@link IllegalArgumentException}), and never
 * check the chain; {@link AuditVerifier} does.
 *
 * <p>Thread-safe: holds no state besides the data source.
 */
public final class JdbcAuditStore {

    /** Rows written per JDBC batch by {@link #appendBatch}. */
    private static final int BATCH = 1000;

    static final String SELECT_ENTRY = "SELECT e.seq, e.canonical, e.prev_hash, e.entry_hash FROM audit_entry e ";

    private final DataSource dataSource;

    public JdbcAuditStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Appends an entry in a transaction of its own; see {@link #append(AuditEntry, List)}. */
    public AppendResult append(AuditEntry entry) {
        return append(entry, List.of());
    }

    /**
     * Appends an entry and commits it, with the given writes in the same transaction.
     *
     * @param entry the entry
     * @param sameTransaction writes to commit or roll back together with the entry, run in order after the entry is
     *     inserted
     * @return the entry's sequence number and hash, after the commit
     * @throws AuditUnavailableException when anything fails; nothing of the entry or the writes is then stored
     */
    public AppendResult append(AuditEntry entry, List<TransactionalWrite> sameTransaction) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(sameTransaction, "sameTransaction");
        List<AppendResult> results = write(List.of(entry), sameTransaction);
        return results.get(0);
    }

    /**
     * Appends several entries, in order, in one transaction: the same chain as appending them one by one, at a
     * fraction of the cost (for imports and tests). All or nothing.
     *
     * @return the last entry's sequence number and hash, or the head when {@code entries} is empty
     * @throws AuditUnavailableException when anything fails; none of the entries is then stored
     */
    public AppendResult appendBatch(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            ChainHead head = head();
            return new AppendResult(head.seq(), head.hash());
        }
        List<AppendResult> results = write(entries, List.of());
        return results.get(results.size() - 1);
    }

    private List<AppendResult> write(List<AuditEntry> entries, List<TransactionalWrite> sameTransaction) {
        List<byte[]> canonical = new ArrayList<>(entries.size());
        for (AuditEntry entry : entries) {
            try {
                canonical.add(CanonicalEncoding.encode(entry));
            } catch (IllegalArgumentException e) {
                throw new AuditUnavailableException(AuditUnavailableException.NOT_ENCODABLE
                        + ": the audit entry for request " + entry.requestId() + " cannot be recorded: "
                        + e.getMessage(), e);
            }
        }
        long attemptedSeq = -1;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                ChainHead head = lockHead(c);
                long seq = head.seq();
                String prev = head.hash();
                List<AppendResult> results = new ArrayList<>(entries.size());
                try (PreparedStatement insertEntry = c.prepareStatement("INSERT INTO audit_entry (seq, request_id, "
                        + "entry_time_ms, requester_id, outcome, canonical, prev_hash, entry_hash) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                     PreparedStatement insertPatient = c.prepareStatement(
                             "INSERT INTO audit_patient (patient_id, seq) VALUES (?, ?)")) {
                    int pending = 0;
                    int pendingPatients = 0;
                    for (int i = 0; i < entries.size(); i++) {
                        AuditEntry entry = entries.get(i);
                        seq++;
                        attemptedSeq = seq;
                        String hash = ChainHash.entryHash(seq, prev, canonical.get(i));
                        insertEntry.setLong(1, seq);
                        insertEntry.setString(2, entry.requestId());
                        insertEntry.setLong(3, entry.time().toEpochMilli());
                        insertEntry.setString(4, entry.requesterId());
                        insertEntry.setString(5, entry.outcome().code());
                        insertEntry.setBytes(6, canonical.get(i));
                        insertEntry.setString(7, prev);
                        insertEntry.setString(8, hash);
                        insertEntry.addBatch();
                        pending++;
                        for (String patient : entry.patients()) {
                            insertPatient.setString(1, patient);
                            insertPatient.setLong(2, seq);
                            insertPatient.addBatch();
                            pendingPatients++;
                        }
                        if (pending >= BATCH) {
                            insertEntry.executeBatch();
                            pending = 0;
                        }
                        if (pendingPatients >= BATCH) {
                            insertPatient.executeBatch();
                            pendingPatients = 0;
                        }
                        results.add(new AppendResult(seq, hash));
                        prev = hash;
                    }
                    if (pending > 0) {
                        insertEntry.executeBatch();
                    }
                    if (pendingPatients > 0) {
                        insertPatient.executeBatch();
                    }
                }
                for (TransactionalWrite write : sameTransaction) {
                    write.write(c, seq);
                }
                try (PreparedStatement moveHead = c.prepareStatement(
                        "UPDATE audit_head SET seq = ?, entry_hash = ? WHERE id = 1 AND seq = ?")) {
                    moveHead.setLong(1, seq);
                    moveHead.setString(2, prev);
                    moveHead.setLong(3, head.seq());
                    if (moveHead.executeUpdate() != 1) {
                        throw new SQLException("the audit chain head moved while it was locked");
                    }
                }
                c.commit();
                return results;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw failed(attemptedSeq, e);
            } finally {
                restore(c, autoCommit);
            }
        } catch (SQLException e) {
            throw failed(attemptedSeq, e);
        }
    }

    private static AuditUnavailableException failed(long seq, Exception e) {
        if (e instanceof AuditUnavailableException a) {
            return a;
        }
        return new AuditUnavailableException(AuditUnavailableException.STORE_FAILED
                + ": the audit entry could not be recorded" + (seq > 0 ? " (as seq " + seq + ")" : "")
                + "; nothing was stored: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    /** The chain head (seq 0 for an empty chain). */
    public ChainHead head() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT seq, entry_hash FROM audit_head WHERE id = 1");
             ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit chain head row is missing");
            }
            return new ChainHead(rs.getLong(1), rs.getString(2));
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    /**
     * Entries in sequence order from {@code fromSeq} on, at most {@code limit} of them. Page with the last seq + 1.
     */
    public List<StoredEntry> entriesFrom(long fromSeq, int limit) {
        return query(SELECT_ENTRY + "WHERE e.seq >= ? ORDER BY e.seq LIMIT ?", fromSeq, limit);
    }

    /**
     * Entries about one patient (their {@code patients} field names it), in sequence order from {@code fromSeq} on,
     * at most {@code limit} of them.
     */
    public List<StoredEntry> forPatient(String patientId, long fromSeq, int limit) {
        Objects.requireNonNull(patientId, "patientId");
        return query(SELECT_ENTRY + "JOIN audit_patient p ON p.seq = e.seq WHERE p.patient_id = ? AND p.seq >= ? "
                + "ORDER BY p.seq LIMIT ?", patientId, fromSeq, limit);
    }

    /**
     * Entries whose {@code time} is in {@code [from, to)}, in sequence order from {@code fromSeq} on, at most
     * {@code limit} of them.
     */
    public List<StoredEntry> between(Instant from, Instant to, long fromSeq, int limit) {
        return query(SELECT_ENTRY + "WHERE e.entry_time_ms >= ? AND e.entry_time_ms < ? AND e.seq >= ? "
                + "ORDER BY e.seq LIMIT ?", from.toEpochMilli(), to.toEpochMilli(), fromSeq, limit);
    }

    /** The entries recorded for one request id (usually one; an escalated request has more), in sequence order. */
    public List<StoredEntry> byRequestId(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        return query(SELECT_ENTRY + "WHERE e.request_id = ? ORDER BY e.seq LIMIT ?", requestId, 10_000);
    }

    private List<StoredEntry> query(String sql, Object... params) {
        int limit = (Integer) params[params.length - 1];
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p instanceof String text) {
                    s.setString(i + 1, text);
                } else if (p instanceof Long number) {
                    s.setLong(i + 1, number);
                } else {
                    s.setInt(i + 1, (Integer) p);
                }
            }
            List<StoredEntry> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    AuditEntry entry;
                    try {
                        entry = CanonicalEncoding.decode(rs.getBytes(2));
                    } catch (IllegalArgumentException e) {
                        throw new AuditUnavailableException(AuditUnavailableException.CORRUPT + ": audit entry seq "
                                + seq + " cannot be read (" + e.getMessage() + "); run 'audit verify'", e);
                    }
                    out.add(new StoredEntry(seq, entry, rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    private static AuditUnavailableException readFailed(SQLException e) {
        return new AuditUnavailableException(AuditUnavailableException.STORE_FAILED
                + ": the audit chain could not be read: " + e.getMessage(), e);
    }

    /** Locks the head row for the rest of the transaction and returns it. */
    static ChainHead lockHead(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, entry_hash FROM audit_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit chain head row is missing (is the database migrated?)");
            }
            return new ChainHead(rs.getLong(1), rs.getString(2));
        }
    }

    static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static void restore(Connection c, boolean autoCommit) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException ignored) {
            // The connection is broken; closing it is all that is left, and try-with-resources does that.
        }
    }
}

package org.disclosureguard.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Checks the whole audit chain and its checkpoints and says what, if anything, was tampered with.
 *
 * <p>It reads, in one read-only REPEATABLE READ transaction (a consistent snapshot while the guard keeps
 * appending), the head row, every checkpoint, and every entry in sequence order with its patient index rows,
 * streaming (memory does not grow with the chain). For each entry it recomputes the hash from the stored seq,
 * previous hash and canonical bytes; checks that the entry links to the one before; decodes the canonical bytes and
 * checks the queryable columns and patient index rows against them; and compares the hash with any validly signed
 * checkpoint at that seq. Each checkpoint's Ed25519 signature is checked under the trusted public key its key id
 * names. Entries whose hash does not verify at their own seq are then classified: two that verify at each other's
 * places were {@link ProblemKind#REORDERED}; a run that verifies one place lower marks an
 * {@link ProblemKind#INSERTED} entry before it, one place higher a {@link ProblemKind#DELETED} one; anything else
 * was {@link ProblemKind#EDITED}.
 *
 * <p>What it cannot detect (see {@code docs/audit-format.md}, "Limits"): someone who can write to the database can
 * delete entries after the newest checkpoint and set the head row back, or append entries of their own (the hash
 * chain has no secret); and a deleted checkpoint leaves no trace in the database. Frequent checkpoints and copies
 * of them kept off the machine narrow this.
 *
 * <p>Thread-safe: each {@link #verify()} uses its own connection.
 */
public final class AuditVerifier {

    private static final int FETCH = 1000;
    /** Entries whose hash fails that are kept for classification; beyond this they are reported as edited. */
    private static final int MAX_HELD = 10_000;
    /** Up to this many failing entries are compared pairwise for swaps. */
    private static final int MAX_PAIRED = 500;

    private final DataSource dataSource;
    private final Map<String, AuditPublicKey> trusted;

    /**
     * @param dataSource the guard's database
     * @param trusted the public keys checkpoints may be signed with, by key id
     */
    public AuditVerifier(DataSource dataSource, Map<String, AuditPublicKey> trusted) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.trusted = Map.copyOf(trusted);
    }

    /**
     * Verifies the chain.
     *
     * @return the report; {@link VerificationReport#ok()} is false when anything was found
     * @throws AuditUnavailableException when the database cannot be read
     */
    public VerificationReport verify() {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            int isolation = c.getTransactionIsolation();
            boolean autoCommit = c.getAutoCommit();
            try {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setAutoCommit(false);
                Run run = new Run();
                run.run(c);
                c.rollback();
                return new VerificationReport(run.entries, run.checkpoints, run.lastSeq, run.lastSigned,
                        Duration.ofNanos(System.nanoTime() - start), run.sortedProblems());
            } finally {
                try {
                    c.rollback();
                    c.setAutoCommit(autoCommit);
                    c.setTransactionIsolation(isolation);
                } catch (SQLException ignored) {
                    // The connection is closed next.
                }
            }
        } catch (SQLException e) {
            throw new AuditUnavailableException(AuditUnavailableException.STORE_FAILED
                    + ": the audit chain could not be read for verification: " + e.getMessage(), e);
        }
    }

    /** An entry whose hash does not verify at its own seq. */
    private record Held(long seq, String prev, byte[] canonical, String hash) {
        boolean verifiesAt(long at) {
            return at >= 1 && hashMatches(at, prev, canonical, hash);
        }
    }

    private final class Run {
        final List<VerificationProblem> problems = new ArrayList<>();
        final List<Held> held = new ArrayList<>();
        final TreeSet<Long> orphanIndexSeqs = new TreeSet<>();
        final List<long[]> deletedRanges = new ArrayList<>();
        long entries;
        long checkpoints;
        long lastSeq;
        long lastSigned;

        void run(Connection c) throws SQLException {
            ChainHead head = readHead(c);
            NavigableMap<Long, Checkpoint> valid = checkpoints(c);
            String prevRowHash = ChainHash.GENESIS;
            long prevRowSeq = 0;
            boolean prevHeld = false;
            boolean beyondHeadReported = false;
            try (PreparedStatement es = c.prepareStatement("SELECT seq, request_id, entry_time_ms, requester_id, "
                    + "outcome, canonical, prev_hash, entry_hash FROM audit_entry ORDER BY seq");
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT seq, patient_id FROM audit_patient ORDER BY seq, patient_id")) {
                es.setFetchSize(FETCH);
                ps.setFetchSize(FETCH);
                try (ResultSet rs = es.executeQuery(); ResultSet prs = ps.executeQuery()) {
                    IndexCursor index = new IndexCursor(prs);
                    long expected = 1;
                    while (rs.next()) {
                        long s = rs.getLong(1);
                        String prev = rs.getString(7);
                        String hash = rs.getString(8);
                        byte[] canonical = rs.getBytes(6);
                        entries++;
                        if (s < 1) {
                            index.take(s, orphanIndexSeqs);
                            add(ProblemKind.INSERTED, s, "entry " + s + " has a sequence number below 1");
                            continue;
                        }
                        List<String> indexed = index.take(s, orphanIndexSeqs);
                        boolean gap = false;
                        if (s > expected) {
                            add(ProblemKind.DELETED, expected, (s - expected == 1 ? "entry " + expected + " is"
                                    : "entries " + expected + " to " + (s - 1) + " are")
                                    + " missing: the sequence jumps from " + (expected - 1) + " to " + s);
                            deletedRanges.add(new long[] {expected, s - 1});
                            gap = true;
                        }
                        if (head != null && s > head.seq() && !beyondHeadReported) {
                            add(ProblemKind.INSERTED, s, "entry " + s + " is beyond the chain head (the head row says "
                                    + head.seq() + "): it was added without moving the head");
                            beyondHeadReported = true;
                        }
                        if (hashMatches(s, prev, canonical, hash)) {
                            String mismatch = columnMismatch(rs, canonical, indexed);
                            if (mismatch != null) {
                                add(ProblemKind.EDITED, s, mismatch);
                            }
                            if (!gap && !prevHeld && !prev.equals(prevRowHash)) {
                                long at = prevRowSeq == 0 ? s : prevRowSeq;
                                add(ProblemKind.EDITED, at, "entry " + s + " does not link to entry " + prevRowSeq
                                        + ": one of them was rewritten with a recomputed hash");
                            }
                            Checkpoint cp = valid.get(s);
                            if (cp != null) {
                                if (cp.headHash().equals(hash)) {
                                    lastSigned = s;
                                } else {
                                    add(ProblemKind.REWRITTEN, s, "the checkpoint signed at " + cp.time() + " by key "
                                            + cp.keyId() + " says entry " + s + " has hash " + cp.headHash()
                                            + ", but it has " + hash + ": the chain up to " + s
                                            + " was rewritten after it was signed");
                                }
                            }
                            prevHeld = false;
                        } else {
                            if (held.size() < MAX_HELD) {
                                held.add(new Held(s, prev, canonical, hash));
                            } else {
                                add(ProblemKind.EDITED, s, "the stored hash does not match the entry");
                            }
                            prevHeld = true;
                        }
                        prevRowHash = hash;
                        prevRowSeq = s;
                        expected = s + 1;
                    }
                    index.rest(orphanIndexSeqs);
                }
            }
            lastSeq = prevRowSeq;
            classifyHeld();
            checkHead(head, prevRowHash, prevHeld);
            Map.Entry<Long, Checkpoint> newest = valid.lastEntry();
            if (newest != null && newest.getKey() > lastSeq) {
                truncated("a checkpoint signed at " + newest.getValue().time() + " by key "
                        + newest.getValue().keyId() + " covers " + newest.getKey() + " entries; the last entry is "
                        + lastSeq);
            }
            reportOrphans();
        }

        private void checkHead(ChainHead head, String lastHash, boolean lastHeld) {
            if (head == null) {
                add(ProblemKind.HEAD_MISMATCH, lastSeq, "the chain head row is missing");
            } else if (head.seq() > lastSeq) {
                truncated("the head row says the chain has " + head.seq() + " entries; the last entry is " + lastSeq);
            } else if (head.seq() == lastSeq && !lastHeld && !head.hash().equals(lastHash)) {
                add(ProblemKind.HEAD_MISMATCH, lastSeq, "the head row's hash " + head.hash()
                        + " is not the hash of entry " + lastSeq + " (" + lastHash + ")");
            }
        }

        private void truncated(String message) {
            for (int i = 0; i < problems.size(); i++) {
                VerificationProblem p = problems.get(i);
                if (p.kind() == ProblemKind.TRUNCATED) {
                    problems.set(i, new VerificationProblem(p.kind(), p.seq(), p.message() + "; " + message));
                    return;
                }
            }
            add(ProblemKind.TRUNCATED, lastSeq + 1, "entries from " + (lastSeq + 1) + " on are missing: " + message);
        }

        private void reportOrphans() {
            boolean truncated = problems.stream().anyMatch(p -> p.kind() == ProblemKind.TRUNCATED);
            for (long seq : orphanIndexSeqs) {
                boolean covered = deletedRanges.stream().anyMatch(r -> seq >= r[0] && seq <= r[1]);
                if (seq > lastSeq && !truncated) {
                    truncated("patient index rows remain for entry " + seq);
                    truncated = true;
                } else if (!covered && seq <= lastSeq) {
                    add(ProblemKind.EDITED, seq, "patient index rows name entry " + seq + ", which does not exist");
                }
            }
        }

        private void classifyHeld() {
            boolean[] done = new boolean[held.size()];
            if (held.size() <= MAX_PAIRED) {
                for (int i = 0; i < held.size(); i++) {
                    for (int j = i + 1; j < held.size() && !done[i]; j++) {
                        Held a = held.get(i);
                        Held b = held.get(j);
                        if (!done[j] && a.verifiesAt(b.seq()) && b.verifiesAt(a.seq())) {
                            add(ProblemKind.REORDERED, a.seq(), "entries " + a.seq() + " and " + b.seq()
                                    + " exchanged places (each verifies only at the other's seq)");
                            done[i] = true;
                            done[j] = true;
                        }
                    }
                }
            }
            long runEnd = -1;
            int runShift = 0;
            for (int i = 0; i < held.size(); i++) {
                if (done[i]) {
                    continue;
                }
                Held h = held.get(i);
                int shift = h.verifiesAt(h.seq() - 1) ? -1 : h.verifiesAt(h.seq() + 1) ? 1 : 0;
                boolean continues = shift != 0 && shift == runShift && runEnd == h.seq() - 1;
                if (shift == -1 && !continues) {
                    add(ProblemKind.INSERTED, h.seq() - 1, "entry " + (h.seq() - 1) + " was inserted: entries from "
                            + h.seq() + " on were renumbered up by one to make room (entry " + h.seq()
                            + " verifies as seq " + (h.seq() - 1) + ")");
                } else if (shift == 1 && !continues) {
                    add(ProblemKind.DELETED, h.seq(), "an entry was deleted at seq " + h.seq() + " and later entries"
                            + " renumbered down to close the gap (entry " + h.seq() + " verifies as seq "
                            + (h.seq() + 1) + ")");
                    deletedRanges.add(new long[] {h.seq(), h.seq()});
                } else if (shift == 0) {
                    add(ProblemKind.EDITED, h.seq(), "the stored hash does not match the entry's seq, previous hash"
                            + " and canonical bytes: its content or its hash was changed");
                }
                runShift = shift;
                runEnd = h.seq();
            }
        }

        private String columnMismatch(ResultSet rs, byte[] canonical, List<String> indexed) throws SQLException {
            AuditEntry entry;
            try {
                entry = CanonicalEncoding.decode(canonical);
            } catch (IllegalArgumentException e) {
                return "the hashed bytes are not a valid entry: " + e.getMessage();
            }
            List<String> differ = new ArrayList<>();
            if (!entry.requestId().equals(rs.getString(2))) {
                differ.add("request_id");
            }
            if (entry.time().toEpochMilli() != rs.getLong(3)) {
                differ.add("entry_time_ms");
            }
            if (!entry.requesterId().equals(rs.getString(4))) {
                differ.add("requester_id");
            }
            if (!entry.outcome().code().equals(rs.getString(5))) {
                differ.add("outcome");
            }
            List<String> sorted = indexed.stream().sorted().toList();
            if (!sorted.equals(entry.patients())) {
                differ.add("patient index (" + sorted + " instead of " + entry.patients() + ")");
            }
            return differ.isEmpty() ? null
                    : "stored columns disagree with the hashed entry: " + String.join(", ", differ);
        }

        private NavigableMap<Long, Checkpoint> checkpoints(Connection c) throws SQLException {
            NavigableMap<Long, Checkpoint> valid = new TreeMap<>();
            for (Checkpoint cp : Checkpointer.checkpoints(c)) {
                checkpoints++;
                AuditPublicKey key = trusted.get(cp.keyId());
                if (key == null) {
                    add(ProblemKind.UNKNOWN_KEY, cp.seq(), "the checkpoint at seq " + cp.seq() + " names key "
                            + cp.keyId() + ", which is not among the trusted keys " + trusted.keySet());
                } else if (!cp.verifiedBy(key)) {
                    add(ProblemKind.FORGED_CHECKPOINT, cp.seq(), "the checkpoint at seq " + cp.seq()
                            + " does not verify under key " + cp.keyId() + ": it was edited or forged");
                } else {
                    valid.put(cp.seq(), cp);
                }
            }
            return valid;
        }

        private ChainHead readHead(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT seq, entry_hash FROM audit_head WHERE id = 1");
                 ResultSet rs = s.executeQuery()) {
                return rs.next() ? new ChainHead(rs.getLong(1), rs.getString(2)) : null;
            }
        }

        void add(ProblemKind kind, long seq, String message) {
            problems.add(new VerificationProblem(kind, seq, message));
        }

        List<VerificationProblem> sortedProblems() {
            List<VerificationProblem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingLong(VerificationProblem::seq));
            return sorted;
        }
    }

    /** Walks the patient index in seq order beside the entries. */
    private static final class IndexCursor {
        private final ResultSet rs;
        private boolean has;

        IndexCursor(ResultSet rs) throws SQLException {
            this.rs = rs;
            this.has = rs.next();
        }

        List<String> take(long seq, TreeSet<Long> orphans) throws SQLException {
            List<String> ids = new ArrayList<>(2);
            while (has && rs.getLong(1) <= seq) {
                long s = rs.getLong(1);
                if (s < seq) {
                    if (orphans.size() < MAX_HELD) {
                        orphans.add(s);
                    }
                } else {
                    ids.add(rs.getString(2));
                }
                has = rs.next();
            }
            return ids;
        }

        void rest(TreeSet<Long> orphans) throws SQLException {
            while (has) {
                if (orphans.size() < MAX_HELD) {
                    orphans.add(rs.getLong(1));
                }
                has = rs.next();
            }
        }
    }

    static boolean hashMatches(long seq, String prev, byte[] canonical, String hash) {
        if (prev == null || canonical == null || hash == null) {
            return false;
        }
        try {
            return ChainHash.entryHash(seq, prev, canonical).equals(hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

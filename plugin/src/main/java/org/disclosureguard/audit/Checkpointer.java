package org.disclosureguard.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Signs the audit chain's head and stores the signed {@link Checkpoint}. The application calls
 * {@link #checkpointIfMoved()} every N entries or T seconds (whichever comes first); it signs only when the head has
 * moved past the newest checkpoint, so calling it often from several guard instances is cheap and harmless.
 *
 * <p>It locks the head row in its transaction, like an append, so the checkpoint is of a committed head and two
 * instances never sign the same head twice. Time comes from the injected clock.
 *
 * <p>Thread-safe.
 */
public final class Checkpointer {

    private final DataSource dataSource;
    private final AuditSigningKey key;
    private final Clock clock;

    public Checkpointer(DataSource dataSource, AuditSigningKey key, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Signs and stores a checkpoint of the current head if the head is past the newest checkpoint.
     *
     * @return the new checkpoint, or empty when the chain is empty or the newest checkpoint is already of the head
     * @throws AuditUnavailableException when the database fails (nothing is stored)
     */
    public Optional<Checkpoint> checkpointIfMoved() {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                ChainHead head = JdbcAuditStore.lockHead(c);
                long newest = newestSeq(c);
                if (head.empty() || newest >= head.seq()) {
                    c.commit();
                    return Optional.empty();
                }
                Checkpoint checkpoint = Checkpoint.sign(head.seq(), head.hash(), Instant.now(clock), key);
                insert(c, checkpoint);
                c.commit();
                return Optional.of(checkpoint);
            } catch (SQLException | RuntimeException e) {
                JdbcAuditStore.rollback(c, e);
                throw failed(e);
            } finally {
                JdbcAuditStore.restore(c, autoCommit);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Every stored checkpoint, in sequence order. */
    public static List<Checkpoint> checkpoints(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return checkpoints(c);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** The newest stored checkpoint, or empty when none has been made. */
    public static Optional<Checkpoint> newest(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT seq, head_hash, checkpoint_time_ms, key_id, signature "
                     + "FROM audit_checkpoint WHERE seq = (SELECT MAX(seq) FROM audit_checkpoint)");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(new Checkpoint(rs.getLong(1), rs.getString(2),
                    Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getString(5))) : Optional.empty();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    static List<Checkpoint> checkpoints(Connection c) throws SQLException {
        List<Checkpoint> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT seq, head_hash, checkpoint_time_ms, key_id, signature "
                + "FROM audit_checkpoint ORDER BY seq");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Checkpoint(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getString(4), rs.getString(5)));
            }
        }
        return out;
    }

    private static long newestSeq(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(seq) FROM audit_checkpoint");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void insert(Connection c, Checkpoint checkpoint) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_checkpoint (seq, head_hash, "
                + "checkpoint_time_ms, key_id, signature) VALUES (?, ?, ?, ?, ?)")) {
            s.setLong(1, checkpoint.seq());
            s.setString(2, checkpoint.headHash());
            s.setLong(3, checkpoint.time().toEpochMilli());
            s.setString(4, checkpoint.keyId());
            s.setString(5, checkpoint.signature());
            s.executeUpdate();
        }
    }

    private static AuditUnavailableException failed(Exception e) {
        return new AuditUnavailableException(AuditUnavailableException.STORE_FAILED
                + ": the audit checkpoint could not be made: " + e.getClass().getSimpleName() + ": "
                + e.getMessage(), e);
    }
}

package org.disclosureguard.notification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads and writes {@code notification_channel_state} (migration {@code V4__notification_channel_state.sql}): whether a
 * channel is disabled (its receiver answered 410 Gone) and until when it is paused (its receiver's
 * {@code Retry-After}). Every instance of the guard reads the same rows, so a state holds across instances and
 * restarts. Stateless; every method works on the caller's connection and transaction.
 */
final class ChannelStates {

    private ChannelStates() {
    }

    /** One channel's state. */
    record State(boolean disabled, String reason, long notBeforeMs) {
    }

    /** The states of every channel that has one; a channel with no row is enabled and not paused. */
    static Map<String, State> read(Connection c) throws SQLException {
        Map<String, State> states = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT channel, disabled, reason, not_before_ms FROM notification_channel_state");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                states.put(rs.getString(1), new State(rs.getBoolean(2), rs.getString(3), rs.getLong(4)));
            }
        }
        return states;
    }

    /**
     * Makes sure the channel has a row, on a connection in auto-commit mode (two instances inserting at once: the
     * loser's duplicate key is ignored, so this never aborts a caller's transaction).
     */
    static void ensure(Connection c, String channel, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM notification_channel_state WHERE channel = ?")) {
            s.setString(1, channel);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return;
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO notification_channel_state (channel, disabled, "
                + "not_before_ms, updated_ms) VALUES (?, FALSE, 0, ?)")) {
            s.setString(1, channel);
            s.setLong(2, now);
            s.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
        }
    }

    /** Holds the channel back until {@code untilMs} (never shortens a pause already set). */
    static void pause(Connection c, String channel, long untilMs, long now, String by) throws SQLException {
        ensure(c, channel, now);
        try (PreparedStatement s = c.prepareStatement("UPDATE notification_channel_state SET "
                + "not_before_ms = GREATEST(not_before_ms, ?), updated_ms = ?, updated_by = ? WHERE channel = ?")) {
            s.setLong(1, untilMs);
            s.setLong(2, now);
            s.setString(3, by);
            s.setString(4, channel);
            s.executeUpdate();
        }
    }

    /**
     * Disables the channel, in the caller's transaction (after {@link #ensure} in auto-commit).
     *
     * @return true when this call disabled it, false when it was disabled already (by this or another instance)
     */
    static boolean disable(Connection c, String channel, String reason, long now, String by) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE notification_channel_state SET disabled = TRUE, "
                + "reason = ?, disabled_ms = ?, updated_ms = ?, updated_by = ? WHERE channel = ? AND disabled = FALSE")) {
            s.setString(1, reason);
            s.setLong(2, now);
            s.setLong(3, now);
            s.setString(4, by);
            s.setString(5, channel);
            return s.executeUpdate() == 1;
        }
    }

    /** Enables the channel and lifts any pause, in the caller's transaction. */
    static void enable(Connection c, String channel, long now, String by) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE notification_channel_state SET disabled = FALSE, "
                + "reason = NULL, disabled_ms = NULL, not_before_ms = 0, updated_ms = ?, updated_by = ? "
                + "WHERE channel = ?")) {
            s.setLong(1, now);
            s.setString(2, by);
            s.setString(3, channel);
            s.executeUpdate();
        }
    }
}

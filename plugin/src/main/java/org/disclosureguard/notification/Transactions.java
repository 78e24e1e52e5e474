package org.disclosureguard.notification;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a connection of its own: committed if the work returns, rolled back if it
 * throws, the connection's auto-commit mode restored either way. Stateless.
 */
final class Transactions {

    /** Work on the transaction's connection; it does not commit, roll back or close it. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Transactions() {}

    static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return run(c, work);
        }
    }

    /** Work that uses a connection the caller holds. */
    interface Body<T> {
        T run() throws SQLException;
    }

    /** As {@link #run(DataSource, Work)} on a connection the caller holds (and closes). */
    static <T> T within(Connection c, Body<T> body) throws SQLException {
        return run(c, connection -> body.run());
    }

    private static <T> T run(Connection c, Work<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // The connection is broken; closing it is all that is left.
            }
        }
    }
}

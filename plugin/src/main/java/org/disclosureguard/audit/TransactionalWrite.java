package org.disclosureguard.audit;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A write that must commit or roll back together with an audit entry, for example a row in the notification
 * outbox. Runs on the audit store's connection, inside its transaction, after the entry is inserted and before
 * the commit; it must not commit, roll back, close the connection or change its auto-commit mode.
 *
 * <p>Called on the appending thread; implementations need not be thread-safe unless they are shared.
 */
@FunctionalInterface
public interface TransactionalWrite {

    /**
     * Writes, in the audit entry's transaction.
     *
     * @param connection the transaction's connection
     * @param seq the sequence number the entry is given
     * @throws SQLException to roll the whole append back (the append then throws
     *     {@link AuditUnavailableException})
     */
    void write(Connection connection, long seq) throws SQLException;
}

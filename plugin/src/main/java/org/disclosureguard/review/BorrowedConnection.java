package org.disclosureguard.review;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that hands out one connection owned by someone else, wrapped so that {@code close()} does nothing
 * and transaction control ({@code commit}, {@code rollback}, {@code setAutoCommit}) is refused: the owner's
 * transaction stays the owner's. For {@link ReviewCases#using(Connection)}. Not thread-safe (neither is the
 * connection's transaction).
 */
final class BorrowedConnection implements DataSource {

    private final Connection connection;
    private final Connection borrowed;

    BorrowedConnection(Connection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.borrowed = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            return null;
                        case "isClosed":
                            return connection.isClosed();
                        case "commit", "rollback", "setAutoCommit", "releaseSavepoint", "setSavepoint":
                            throw new SQLException("a borrowed connection's transaction belongs to its owner ("
                                    + method.getName() + " refused)");
                        default:
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }

    @Override
    public Connection getConnection() {
        return borrowed;
    }

    @Override
    public Connection getConnection(String username, String password) {
        return borrowed;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }

    @Override
    public String toString() {
        return "BorrowedConnection[" + connection + "]";
    }
}

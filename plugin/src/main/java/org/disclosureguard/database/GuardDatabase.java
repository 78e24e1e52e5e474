package org.disclosureguard.database;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The guard's database schema: brings a {@link DataSource} up to the newest migration under
 * {@code classpath:db/migration} ({@code V1__audit_chain.sql}, ...). Migrations are written once, in the SQL that
 * both H2 2.x and PostgreSQL accept (BIGINT, VARCHAR, CHAR, BOOLEAN, BYTEA, plain indexes), so the same history
 * runs on the default H2 file and on a shared PostgreSQL.
 *
 * <p>Stateless; safe to call from several threads and several guard instances at once (Flyway takes a lock in the
 * database while it migrates).
 */
public final class GuardDatabase {

    /** Where the migrations are. */
    public static final String LOCATION = "classpath:db/migration";

    private GuardDatabase() {
    }

    /**
     * Applies every pending migration.
     *
     * @return the schema version after migrating (for example {@code "1"})
     * @throws IllegalStateException when the database cannot be reached or a migration fails (message and cause
     *     from Flyway); nothing is half-applied on PostgreSQL, whose DDL is transactional
     */
    public static String migrate(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations(LOCATION)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        } catch (FlywayException e) {
            throw new IllegalStateException("The guard's database could not be migrated: " + e.getMessage(), e);
        }
    }

    /**
     * A plain {@link DataSource} over {@link DriverManager}: one new connection per {@code getConnection()}. For
     * commands and tests; the server uses a pool.
     *
     * @param url a JDBC URL ({@code jdbc:h2:./data/guard} or {@code jdbc:postgresql://host/db}); an H2 file path
     *     must start with {@code ./} or be absolute
     * @param user the user, or {@code null}
     * @param password the password, or {@code null}
     */
    public static DataSource simpleDataSource(String url, String user, String password) {
        Objects.requireNonNull(url, "url");
        return new SimpleDataSource(url, user, password);
    }

    private static final class SimpleDataSource implements DataSource {
        private final String url;
        private final String user;
        private final String password;
        private PrintWriter logWriter;
        private int loginTimeout;

        SimpleDataSource(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return getConnection(user, password);
        }

        @Override
        public Connection getConnection(String username, String pass) throws SQLException {
            return username == null
                    ? DriverManager.getConnection(url) : DriverManager.getConnection(url, username, pass);
        }

        @Override
        public PrintWriter getLogWriter() {
            return logWriter;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            this.logWriter = out;
        }

        @Override
        public void setLoginTimeout(int seconds) {
            this.loginTimeout = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeout;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new SQLException("Not a wrapper for " + iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this);
        }

        @Override
        public String toString() {
            return "SimpleDataSource[" + url + "]";
        }
    }
}

package org.disclosureguard.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Real databases for the store contracts: an embedded PostgreSQL server per test class with a fresh database per
 * test, and fresh H2 file databases under {@code target/} (the guard's default).
 */
public final class TestDatabases {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TestDatabases() {}

    /** An H2 file database and the connection that keeps it open (H2 closes it with its last connection). */
    public record H2Database(DataSource dataSource, Connection holder) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            holder.close();
        }
    }

    /** Starts an embedded PostgreSQL server; stop it with {@link #stop}. */
    public static EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder().start();
    }

    /** Stops a server started by {@link #startPostgres}, if there is one. */
    public static void stop(EmbeddedPostgres server) throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** A new, empty database on the server, named {@code prefix_N}. */
    public static DataSource freshPostgresDatabase(EmbeddedPostgres server, String prefix) throws SQLException {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return server.getDatabase("postgres", name);
    }

    /** A new H2 file database in {@code directory}, committed at once ({@code WRITE_DELAY=0}). */
    public static H2Database freshH2(Path directory) throws IOException, SQLException {
        Files.createDirectories(directory);
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + directory.resolve(UUID.randomUUID().toString()).toAbsolutePath()
                + ";WRITE_DELAY=0");
        dataSource.setUser("sa");
        return new H2Database(dataSource, dataSource.getConnection());
    }
}

package org.disclosureguard.audit;

import java.nio.file.Files;
import java.sql.Connection;
import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;

/** The audit store contract on an H2 file database (the guard's default) under target/. */
class H2AuditStoreTest extends AuditStoreContract {

    static final Path DIR = Path.of("target", "audit-h2");

    /** Keeps the test's database open: H2 closes a file database when its last connection closes. */
    private Connection holder;

    @Override
    DataSource freshDatabase() throws Exception {
        Files.createDirectories(DIR);
        DataSource dataSource = h2(DIR.resolve(UUID.randomUUID().toString()));
        holder = dataSource.getConnection();
        return dataSource;
    }

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.close();
        }
    }

    static DataSource h2(Path file) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:" + file.toAbsolutePath() + ";WRITE_DELAY=0");
        ds.setUser("sa");
        return ds;
    }
}

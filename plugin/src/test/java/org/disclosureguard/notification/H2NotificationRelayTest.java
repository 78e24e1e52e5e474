package org.disclosureguard.notification;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;

/** The outbox and relay contract on an H2 file database (the guard's default) under target/. */
class H2NotificationRelayTest extends NotificationRelayContract {

    static final Path DIR = Path.of("target", "notification-h2");

    /** Keeps the database open: H2 closes a file database when its last connection closes. */
    private Connection holder;

    @Override
    DataSource freshDatabase() throws Exception {
        Files.createDirectories(DIR);
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:" + DIR.resolve(UUID.randomUUID().toString()).toAbsolutePath() + ";WRITE_DELAY=0");
        ds.setUser("sa");
        holder = ds.getConnection();
        return ds;
    }

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.close();
        }
    }
}

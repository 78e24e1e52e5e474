package org.disclosureguard.notification;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** The daily digest contract on an H2 file database (the guard's default) under target/. */
class H2DigestSenderTest extends DigestSenderContract {

    static final Path DIR = Path.of("target", "notification-digest-h2");

    private TestDatabases.H2Database database;

    @Override
    DataSource freshDatabase() throws Exception {
        database = TestDatabases.freshH2(DIR);
        return database.dataSource();
    }

    @AfterEach
    void close() throws Exception {
        if (database != null) {
            database.close();
        }
    }
}

package org.disclosureguard.app;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** The tracing alert recording contract on an H2 file database (the guard's default) under target/. */
class TracingAlertRecordingTest extends TracingAlertRecordingContract {

    private TestDatabases.H2Database database;

    @Override
    DataSource freshDatabase() throws Exception {
        database = TestDatabases.freshH2(Path.of("target", "tracing-h2"));
        return database.dataSource();
    }

    @AfterEach
    void close() throws Exception {
        if (database != null) {
            database.close();
        }
    }
}

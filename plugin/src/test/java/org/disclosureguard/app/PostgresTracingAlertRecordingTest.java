package org.disclosureguard.app;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tracing alert recording contract on a real PostgreSQL (embedded; a database per test). */
class PostgresTracingAlertRecordingTest extends TracingAlertRecordingContract {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestDatabases.startPostgres();
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(postgres);
    }

    @Override
    DataSource freshDatabase() throws Exception {
        return TestDatabases.freshPostgresDatabase(postgres, "tracing");
    }
}

package org.disclosureguard.notification;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Reconciliation on a real PostgreSQL (embedded): concurrent passes meet on the primary key, and a duplicate insert in
 * autocommit mode spoils nothing else.
 */
class PostgresOutboxReconciliationTest extends OutboxReconciliationContract {

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
        return TestDatabases.freshPostgresDatabase(postgres, "reconcile");
    }
}

package org.disclosureguard.review;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The review case store contract on a real PostgreSQL (embedded, started once for the class; a database per test). */
class PostgresReviewCasesTest extends ReviewCasesContract {

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
        return TestDatabases.freshPostgresDatabase(postgres, "review");
    }
}

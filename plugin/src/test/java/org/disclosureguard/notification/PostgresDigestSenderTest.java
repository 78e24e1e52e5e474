package org.disclosureguard.notification;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The daily digest contract on a real PostgreSQL (embedded, one server for the class, a database per test): the
 * channel lock ({@code SELECT ... FOR UPDATE} on {@code notification_channel_state}) under concurrent senders.
 */
class PostgresDigestSenderTest extends DigestSenderContract {

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
        return TestDatabases.freshPostgresDatabase(postgres, "digest");
    }
}

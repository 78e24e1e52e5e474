package org.disclosureguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Several guard instances on one PostgreSQL: two pools (two "instances"), several threads each, appending and
 * checkpointing at once; then the server is stopped and started again under them. Uses one database, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresAuditClusterTest {

    private static final Path DATA = Path.of("target", "audit-pg-cluster");
    private static EmbeddedPostgres postgres;
    private static int port;
    private static HikariDataSource instanceA;
    private static HikariDataSource instanceB;
    private static long expected;

    @BeforeAll
    static void start() throws Exception {
        deleteRecursively(DATA);
        Files.createDirectories(DATA);
        postgres = server().start();
        port = postgres.getPort();
        instanceA = pool("instance-a");
        instanceB = pool("instance-b");
        GuardDatabase.migrate(instanceA);
        GuardDatabase.migrate(instanceB);
    }

    @AfterAll
    static void stop() throws Exception {
        if (instanceA != null) {
            instanceA.close();
        }
        if (instanceB != null) {
            instanceB.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void twoInstancesAppendingAtOnce_formOneGapFreeChain() throws Exception {
        JdbcAuditStore a = new JdbcAuditStore(instanceA);
        JdbcAuditStore b = new JdbcAuditStore(instanceB);
        Checkpointer checkpointA = new Checkpointer(instanceA, AuditStoreContract.KEY, AuditStoreContract.CLOCK);
        Checkpointer checkpointB = new Checkpointer(instanceB, AuditStoreContract.KEY, AuditStoreContract.CLOCK);
        int threadsPerInstance = 3;
        int each = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerInstance * 2 + 2);
        AtomicBoolean appending = new AtomicBoolean(true);
        List<Future<Long>> appenders = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int t = 0; t < threadsPerInstance * 2; t++) {
                JdbcAuditStore store = t % 2 == 0 ? a : b;
                int base = t * each;
                appenders.add(pool.submit(() -> {
                    Random random = new Random(base);
                    long last = 0;
                    for (int i = 0; i < each; i++) {
                        long seq = store.append(AuditEntries.entry(base + i, random)).seq();
                        assertThat(seq).isGreaterThan(last);
                        last = seq;
                    }
                    return last;
                }));
            }
            List<Future<Integer>> checkpointers = new ArrayList<>();
            for (Checkpointer cp : List.of(checkpointA, checkpointB)) {
                checkpointers.add(pool.submit(() -> {
                    int made = 0;
                    while (appending.get() || made == 0) {
                        made += cp.checkpointIfMoved().isPresent() ? 1 : 0;
                        Thread.sleep(20);
                    }
                    return made;
                }));
            }
            for (Future<Long> f : appenders) {
                f.get(120, TimeUnit.SECONDS);
            }
            appending.set(false);
            int made = 0;
            for (Future<Integer> f : checkpointers) {
                made += f.get(30, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int total = threadsPerInstance * 2 * each;
            System.out.printf("PostgreSQL, 2 instances x %d threads: %d appends in %.2f s = %.0f appends/s; "
                    + "%d checkpoints made meanwhile%n", threadsPerInstance, total, seconds, total / seconds, made);
            assertThat(made).isPositive();
        } finally {
            pool.shutdownNow();
        }
        expected = (long) threadsPerInstance * 2 * each;
        checkpointA.checkpointIfMoved();
        VerificationReport report = verifier().verify();
        System.out.print(report.describe());
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.entriesChecked()).isEqualTo(expected);
        assertThat(report.lastSeq()).isEqualTo(expected);
        assertThat(report.lastSignedSeq()).isEqualTo(expected);
    }

    @Test
    @Order(2)
    void appendRateOneByOne_isPrinted() {
        JdbcAuditStore store = new JdbcAuditStore(instanceA);
        Random random = new Random(99);
        List<AuditEntry> entries = AuditEntries.entries(10_000, 1000, random);
        store.append(entries.get(0));
        long start = System.nanoTime();
        for (AuditEntry e : entries.subList(1, entries.size())) {
            store.append(e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("PostgreSQL, one thread: %d appends one by one in %.2f s = %.0f appends/s%n",
                entries.size() - 1, seconds, (entries.size() - 1) / seconds);
        expected += entries.size();
        assertThat(store.head().seq()).isEqualTo(expected);
    }

    @Test
    @Order(3)
    void stoppedServer_makesAppendFail_andAfterRestartTheChainVerifiesAndGrows() throws Exception {
        JdbcAuditStore store = new JdbcAuditStore(instanceA);
        postgres.close();
        postgres = null;
        assertThatThrownBy(() -> store.append(AuditEntries.example()))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageStartingWith("DG-4001: the audit entry could not be recorded")
                .hasCauseInstanceOf(java.sql.SQLException.class);
        assertThatThrownBy(() -> verifier().verify()).isInstanceOf(AuditUnavailableException.class);

        postgres = server().setPort(port).start();
        VerificationReport afterRestart = verifier().verify();
        assertThat(afterRestart.ok()).as(afterRestart.describe()).isTrue();
        assertThat(afterRestart.lastSeq()).isEqualTo(expected);

        AppendResult next = appendWithRetry(store);
        assertThat(next.seq()).isEqualTo(expected + 1);
        new JdbcAuditStore(instanceB).append(AuditEntries.entry(1, new Random(1)));
        VerificationReport report = verifier().verify();
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.lastSeq()).isEqualTo(expected + 2);
    }

    /** A server that commits durably (the embedded default turns synchronous_commit off). */
    private static EmbeddedPostgres.Builder server() {
        return EmbeddedPostgres.builder().setDataDirectory(DATA).setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on");
    }

    @Test
    @Order(4)
    void hundredThousandEntries_verify() {
        long base = new JdbcAuditStore(instanceA).head().seq();
        long built = AuditChainScaleTest.build(new JdbcAuditStore(instanceA),
                new Checkpointer(instanceA, AuditStoreContract.KEY, AuditStoreContract.CLOCK), 100_000);
        VerificationReport report = verifier().verify();
        System.out.printf("PostgreSQL: built %d entries (batches of 5,000) in %d ms; verified %d entries and %d "
                + "checkpoints in %d ms%n", 100_000, built, report.entriesChecked(), report.checkpointsChecked(),
                report.elapsed().toMillis());
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.entriesChecked()).isEqualTo(base + 100_000);
        assertThat(report.lastSignedSeq()).isEqualTo(base + 100_000);
    }

    /** The pool may hand out one connection that died with the old server; it is evicted on that failure. */
    private static AppendResult appendWithRetry(JdbcAuditStore store) {
        AuditUnavailableException last = null;
        for (int i = 0; i < 5; i++) {
            try {
                return store.append(AuditEntries.example());
            } catch (AuditUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }

    private static AuditVerifier verifier() {
        return new AuditVerifier(instanceA, Map.of(AuditStoreContract.KEY.keyId(),
                AuditStoreContract.KEY.publicKey()));
    }

    private static HikariDataSource pool(String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(2000);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

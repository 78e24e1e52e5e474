package org.disclosureguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.Test;

/**
 * A chain of realistic size on the default H2 file: 100,000 entries verify with the normal verifier, and the
 * figures (build time, verification time, one-by-one append rate) are printed, not asserted.
 */
class AuditChainScaleTest {

    @Test
    void hundredThousandEntries_verifyOnH2() throws Exception {
        try (HikariDataSource dataSource = h2("scale", ";WRITE_DELAY=0")) {
            hundredThousand(dataSource);
        }
    }

    private static void hundredThousand(DataSource dataSource) {
        JdbcAuditStore store = new JdbcAuditStore(dataSource);
        long built = build(store, new Checkpointer(dataSource, AuditStoreContract.KEY, AuditStoreContract.CLOCK),
                100_000);
        VerificationReport report = new AuditVerifier(dataSource, Map.of(AuditStoreContract.KEY.keyId(),
                AuditStoreContract.KEY.publicKey())).verify();
        System.out.printf("H2 file: built %d entries (batches of 5,000) in %d ms; verified %d entries and %d "
                + "checkpoints in %d ms%n", 100_000, built, report.entriesChecked(), report.checkpointsChecked(),
                report.elapsed().toMillis());
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.entriesChecked()).isEqualTo(100_000);
        assertThat(report.checkpointsChecked()).isEqualTo(10);
        assertThat(report.lastSignedSeq()).isEqualTo(100_000);
    }

    @Test
    void appendOneByOne_rateOnH2IsPrinted() throws Exception {
        for (String options : List.of(";WRITE_DELAY=0", "")) {
            try (HikariDataSource dataSource = h2("rate", options)) {
                rate(dataSource, options);
            }
        }
    }

    private static void rate(DataSource dataSource, String options) {
        {
            JdbcAuditStore store = new JdbcAuditStore(dataSource);
            List<AuditEntry> entries = AuditEntries.entries(0, 2000, new Random(12));
            store.append(entries.get(0));
            long start = System.nanoTime();
            for (AuditEntry e : entries.subList(1, entries.size())) {
                store.append(e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("H2 file%s, one thread, pooled connections: %d appends in %.2f s = %.0f "
                    + "appends/s%n", options.isEmpty() ? " (default WRITE_DELAY)" : " (" + options.substring(1)
                    + ")", entries.size() - 1, seconds, (entries.size() - 1) / seconds);
            assertThat(store.head().seq()).isEqualTo(entries.size());
        }
    }

    /**
     * Appends {@code count} entries in batches of 5,000 with a checkpoint after every 10,000.
     *
     * @return the milliseconds it took
     */
    static long build(JdbcAuditStore store, Checkpointer checkpointer, int count) {
        Random random = new Random(100_000);
        long start = System.nanoTime();
        for (int i = 0; i < count; i += 5000) {
            store.appendBatch(AuditEntries.entries(i, 5000, random));
            if ((i + 5000) % 10_000 == 0) {
                assertThat(checkpointer.checkpointIfMoved()).isPresent();
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** An H2 file behind a pool, as the guard runs it (H2 closes a file database when its last connection closes). */
    private static HikariDataSource h2(String name, String options) throws Exception {
        Path dir = Path.of("target", "audit-h2");
        Files.createDirectories(dir);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:" + dir.resolve(name + "-" + UUID.randomUUID()).toAbsolutePath() + options);
        config.setUsername("sa");
        config.setMaximumPoolSize(4);
        HikariDataSource ds = new HikariDataSource(config);
        GuardDatabase.migrate(ds);
        return ds;
    }
}

package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.disclosureguard.audit.JdbcAuditStore;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A guard process killed between committing disclosures and delivering their notices loses none: a separate JVM
 * ({@link CrashingRelayMain}) appends disclosures with their outbox rows to an H2 file database and halts itself in the
 * middle of delivering them; a new relay over the same database then delivers the rest. Each receiver keeps what it
 * accepted in a file, so deliveries made by the dead process count.
 */
class CrashRecoveryTest {

    private static final int DISCLOSURES = 40;
    private static final int HALT_AFTER = 27;

    @Test
    void processHaltedMidDelivery_newRelayDeliversEveryNoticeOncePerChannelByNoticeId() throws Exception {
        Path dir = Path.of("target", "notification-crash", UUID.randomUUID().toString()).toAbsolutePath();
        Files.createDirectories(dir);
        String url = "jdbc:h2:" + dir.resolve("guard") + ";WRITE_DELAY=0";
        Path childLog = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + dir, CrashingRelayMain.class.getName(), url, dir.toString(),
                Integer.toString(DISCLOSURES), Integer.toString(HALT_AFTER))
                .redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
        long started = System.nanoTime();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
        }
        String output = Files.readString(childLog, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as("the guard process halted itself; its output:%n%s", tail(output))
                .isEqualTo(137);
        assertThat(output).contains("appended " + DISCLOSURES, "halting after " + HALT_AFTER);
        List<String> inboxBefore = FileReceiverChannel.accepted(dir.resolve("fhir-inbox.log"));
        List<String> webhookBefore = FileReceiverChannel.accepted(dir.resolve("webhook.log"));
        assertThat(inboxBefore.size() + webhookBefore.size()).as("halted mid-way").isEqualTo(HALT_AFTER);
        long childMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        try (Connection holder = ds.getConnection()) {
            org.disclosureguard.database.GuardDatabase.migrate(ds);
            // A restarted guard, later than the dead process's claims.
            Clock later = Clock.offset(Clock.systemUTC(), CrashingRelayMain.LEASE.plusMinutes(1));
            NotificationOutbox outbox = new NotificationOutbox(ds, Disclosures.FACTORY,
                    List.of(FhirInboxChannel.NAME, WebhookChannel.NAME), later);
            List<OutboxRow> before = outbox.rowsWithStatus("delivered", 1000);
            assertThat(before.size()).as("results recorded before the halt").isLessThan(HALT_AFTER);
            long claimedByTheDead;
            try (java.sql.Statement s = holder.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM notification_outbox WHERE status = "
                         + "'pending' AND claimed_until_ms > " + System.currentTimeMillis())) {
                rs.next();
                claimedByTheDead = rs.getLong(1);
            }
            assertThat(claimedByTheDead).as("rows the dead process had claimed and not finished").isPositive();
            NotificationRelay relay = new NotificationRelay(ds,
                    List.of(new FileReceiverChannel(FhirInboxChannel.NAME, dir.resolve("fhir-inbox.log"), 0, () -> { }),
                            new FileReceiverChannel(WebhookChannel.NAME, dir.resolve("webhook.log"), 0, () -> { })),
                    RetryPolicy.DEFAULT, later, new Random(2), 20, Duration.ofMinutes(2), "restarted");
            for (int i = 0; i < 20 && outbox.health().pending() > 0; i++) {
                relay.drain(100);
            }

            JdbcAuditStore audit = new JdbcAuditStore(ds);
            assertThat(audit.head().seq()).as("every disclosure committed").isEqualTo(DISCLOSURES);
            assertThat(outbox.unnotifiedDisclosures(audit, 1, 1000)).isEmpty();
            List<OutboxRow> delivered = outbox.rowsWithStatus("delivered", 1000);
            assertThat(outbox.health().pending()).isZero();
            assertThat(outbox.health().failed()).isZero();
            assertThat(delivered).hasSize(DISCLOSURES * 2);
            Set<String> notices = new HashSet<>();
            delivered.forEach(r -> notices.add(r.noticeId()));
            assertThat(notices).hasSize(DISCLOSURES);

            List<String> inbox = FileReceiverChannel.accepted(dir.resolve("fhir-inbox.log"));
            List<String> webhook = FileReceiverChannel.accepted(dir.resolve("webhook.log"));
            // A receiver that keeps one notice per id (as the docs ask) has every notice exactly once.
            assertThat(new HashSet<>(inbox)).isEqualTo(notices);
            assertThat(new HashSet<>(webhook)).isEqualTo(notices);
            // Raw duplicates: only the delivery in flight at the halt (accepted, not yet recorded) is repeated.
            int duplicates = inbox.size() - DISCLOSURES + webhook.size() - DISCLOSURES;
            assertThat(duplicates).isBetween(0, 1);
            System.out.printf("crash test: child ran %d ms, %d accepted before the halt, %d results recorded before "
                    + "it, %d rows left claimed by the dead process, %d raw duplicate(s) after recovery, %d rows "
                    + "delivered%n", childMillis, HALT_AFTER, before.size(), claimedByTheDead, duplicates,
                    delivered.size());
        }
    }

    private static String tail(String output) {
        return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
    }
}

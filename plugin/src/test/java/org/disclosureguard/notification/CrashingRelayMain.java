package org.disclosureguard.notification;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The guard process of {@link CrashRecoveryTest}, run in its own JVM: against an H2 file database it appends
 * disclosures with their outbox rows (as the gateway does), starts delivering them to two slow receivers, and
 * halts the JVM (exit 137, no shutdown hooks, no clean-up) right after a receiver has accepted the
 * {@code haltAfter}-th notice and before the relay has recorded it.
 *
 * <p>Arguments: JDBC URL, receiver directory, number of disclosures, deliveries before the halt.
 */
public final class CrashingRelayMain {

    /** The claim lease of the crashing relay; the recovering relay's clock must be past it. */
    static final Duration LEASE = Duration.ofMinutes(2);

    private CrashingRelayMain() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path receivers = Path.of(args[1]);
        int disclosures = Integer.parseInt(args[2]);
        int haltAfter = Integer.parseInt(args[3]);
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        try (Connection holder = ds.getConnection()) {
            GuardDatabase.migrate(ds);
            Clock clock = Clock.systemUTC();
            NotificationOutbox outbox = new NotificationOutbox(ds, Disclosures.FACTORY,
                    List.of(FhirInboxChannel.NAME, WebhookChannel.NAME), clock);
            JdbcAuditStore audit = new JdbcAuditStore(ds);
            for (int i = 0; i < disclosures; i++) {
                AuditEntry entry = Disclosures.police("crash-req-" + i, List.of("pat-" + i));
                audit.append(entry, outbox.writesFor(entry, Disclosures.subjects(entry.patients())));
            }
            System.out.println("appended " + disclosures);
            AtomicInteger accepted = new AtomicInteger();
            Runnable haltPoint = () -> {
                if (accepted.incrementAndGet() >= haltAfter) {
                    System.out.println("halting after " + accepted.get() + " deliveries");
                    System.out.flush();
                    Runtime.getRuntime().halt(137);
                }
            };
            NotificationRelay relay = new NotificationRelay(ds,
                    List.of(new FileReceiverChannel(FhirInboxChannel.NAME, receivers.resolve("fhir-inbox.log"), 15,
                                    haltPoint),
                            new FileReceiverChannel(WebhookChannel.NAME, receivers.resolve("webhook.log"), 15,
                                    haltPoint)),
                    RetryPolicy.DEFAULT, clock, new Random(1), 5, LEASE, "crashing");
            relay.start(Duration.ofMillis(10));
            Thread.sleep(60_000);
            System.out.println("not halted: haltAfter is more than the deliveries");
            System.exit(3);
        }
    }
}

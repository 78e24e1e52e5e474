package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.disclosureguard.audit.AppendResult;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditUnavailableException;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.TransactionalWrite;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox and relay behaviour every database must give; subclasses supply a fresh, empty database. */
abstract class NotificationRelayContract {

    static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofSeconds(10), Duration.ofMinutes(2));
    static final Duration LEASE = Duration.ofMinutes(5);

    DataSource db;
    JdbcAuditStore audit;
    Disclosures.MutableClock clock;
    ScriptedChannel inbox;
    ScriptedChannel webhook;
    NotificationOutbox outbox;

    abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        db = freshDatabase();
        GuardDatabase.migrate(db);
        audit = new JdbcAuditStore(db);
        clock = new Disclosures.MutableClock(Disclosures.T0);
        inbox = new ScriptedChannel("fhir-inbox");
        webhook = new ScriptedChannel("webhook");
        outbox = new NotificationOutbox(db, Disclosures.FACTORY, List.of("fhir-inbox", "webhook"), clock);
    }

    NotificationRelay relay(String instance, NotificationChannel... channels) {
        return new NotificationRelay(db, List.of(channels), RETRY, clock, new Random(7), 50, LEASE, instance);
    }

    long disclose(String requestId, String... patients) {
        AuditEntry entry = Disclosures.police(requestId, List.of(patients));
        AppendResult result = audit.append(entry, outbox.writesFor(entry, Disclosures.subjects(entry.patients())));
        return result.seq();
    }

    @Test
    void disclosure_commitsAuditEntryAndOneRowPerNoticeAndChannel() {
        long seq = disclose("req-a", "pat-1", "pat-2");

        List<OutboxRow> rows = outbox.rows(seq);
        assertThat(rows).hasSize(4).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("pending");
            assertThat(r.attempts()).isZero();
        });
        assertThat(rows).extracting(OutboxRow::channel).containsOnly("fhir-inbox", "webhook");
        assertThat(audit.byRequestId("req-a")).hasSize(1);
    }

    @Test
    void failingSecondWrite_rollsBackAuditEntryAndNotificationRows() {
        AuditEntry entry = Disclosures.police("req-b", List.of("pat-1"));
        List<TransactionalWrite> writes =
                new ArrayList<>(outbox.writesFor(entry, Disclosures.subjects(List.of("pat-1"))));
        writes.add((c, seq) -> {
            throw new SQLException("the second write fails");
        });

        assertThatThrownBy(() -> audit.append(entry, writes)).isInstanceOf(AuditUnavailableException.class);

        assertThat(audit.byRequestId("req-b")).isEmpty();
        assertThat(audit.head().seq()).isZero();
        assertThat(outbox.rowsWithStatus("pending", 100)).isEmpty();
    }

    @Test
    void failingOutboxWrite_rollsBackTheAuditEntry() throws Exception {
        disclose("req-c1", "pat-1");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // A duplicate key: the same notice rows again, as a broken outbox would write them.
            s.execute("ALTER TABLE notification_outbox ADD CONSTRAINT one_per_request UNIQUE (request_id, channel)");
        }
        AuditEntry again = Disclosures.police("req-c1", List.of("pat-1"));

        assertThatThrownBy(() -> audit.append(again, outbox.writesFor(again, Disclosures.subjects(List.of("pat-1")))))
                .isInstanceOf(AuditUnavailableException.class);
        assertThat(audit.byRequestId("req-c1")).hasSize(1);
        assertThat(audit.head().seq()).isEqualTo(1);
    }

    @Test
    void reconciliation_findsADisclosureAppendedWithoutItsNotices() {
        long notified = disclose("req-n1", "pat-1");
        AuditEntry forgotten = Disclosures.police("req-n2", List.of("pat-2"));
        long unnotified = audit.append(forgotten).seq();
        AuditEntry internal = new AuditEntry("req-n3", Disclosures.T0, "g", "practice-loopback", "", "practice", true,
                "", "", "", "", "", "read", "Patient", "Patient/pat-1",
                org.disclosureguard.audit.AuditOutcome.PERMIT, "r", "sha256:1", "", 200, List.of("pat-1"),
                List.of("Patient/pat-1"), List.of(), List.of(), "", "", "");
        audit.append(internal);

        assertThat(outbox.unnotifiedDisclosures(audit, 1, 100)).containsExactly(unnotified);
        assertThat(outbox.unnotifiedDisclosures(audit, notified, 1)).isEmpty();
    }

    @Test
    void internalOrRefusedEntry_writesNoRows() {
        AuditEntry internal = new AuditEntry("req-i", Disclosures.T0, "g", "practice-loopback", "", "practice", true,
                "", "", "", "", "", "read", "Patient", "Patient/pat-1",
                org.disclosureguard.audit.AuditOutcome.PERMIT, "r", "sha256:1", "", 200, List.of("pat-1"),
                List.of("Patient/pat-1"), List.of(), List.of(), "", "", "");
        assertThat(outbox.writesFor(internal, List.of())).isEmpty();
    }

    @Test
    void channelDownThenUp_deliversExactlyOncePerChannel() {
        long seq = disclose("req-d", "pat-1");
        inbox.down = true;
        NotificationRelay relay = relay("g1", inbox, webhook);

        NotificationRelay.BatchResult first = relay.runOnce();
        assertThat(first.delivered()).isEqualTo(1);
        assertThat(first.retrying()).isEqualTo(1);
        assertThat(relay.runOnce().claimed()).as("not due again before its back-off").isZero();

        inbox.down = false;
        clock.advance(Duration.ofSeconds(10));
        assertThat(relay.runOnce().delivered()).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        assertThat(relay.runOnce().claimed()).isZero();

        String noticeId = outbox.rows(seq).get(0).noticeId();
        assertThat(inbox.accepted).containsExactly(noticeId);
        assertThat(webhook.accepted).containsExactly(noticeId);
        assertThat(outbox.rows(seq)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("delivered");
            assertThat(r.delivered()).isNotNull();
            assertThat(r.lastError()).isNull();
        });
        assertThat(outbox.rows(seq)).filteredOn(r -> r.channel().equals("fhir-inbox"))
                .singleElement().extracting(OutboxRow::attempts).isEqualTo(2);
        assertThat(outbox.health().pending()).isZero();
    }

    @Test
    void oneChannelDown_doesNotHoldBackTheOthers() {
        for (int i = 0; i < 5; i++) {
            disclose("req-e" + i, "pat-" + i);
        }
        webhook.down = true;

        relay("g1", inbox, webhook).drain(10);

        assertThat(inbox.accepted).hasSize(5);
        assertThat(webhook.accepted).isEmpty();
        OutboxHealth health = outbox.health();
        assertThat(health.pending()).isEqualTo(5);
        assertThat(health.failed()).isZero();
        List<OutboxRow> pending = outbox.rowsWithStatus("pending", 10);
        assertThat(pending).extracting(OutboxRow::channel).containsOnly("webhook");
        assertThat(webhook.attempts.get()).as("one timeout per batch, the rest handed back untried").isEqualTo(1);
        assertThat(pending).filteredOn(r -> r.attempts() == 1).singleElement()
                .extracting(OutboxRow::lastError).isEqualTo("webhook: receiver down");
    }

    @Test
    void backlogOnADownChannel_doesNotCrowdOutTheOthersInABatch() {
        for (int i = 0; i < 12; i++) {
            disclose("req-bk" + i, "pat-" + i);
        }
        webhook.down = true;
        NotificationRelay relay = new NotificationRelay(db, List.of(webhook, inbox), RETRY, clock, new Random(3), 4,
                LEASE, "g1");

        NotificationRelay.BatchResult first = relay.runOnce();

        assertThat(first.delivered()).isEqualTo(4);
        assertThat(first.retrying()).isEqualTo(1);
        assertThat(first.released()).isEqualTo(3);
        assertThat(inbox.accepted).hasSize(4);
        relay.runOnce();
        relay.runOnce();
        assertThat(inbox.accepted).hasSize(12).doesNotHaveDuplicates();
    }

    @Test
    void restart_newRelayOverTheSameDatabaseDeliversWhatWasPending() {
        disclose("req-f", "pat-1");
        NotificationRelay before = relay("g1", inbox, webhook);
        webhook.down = true;
        before.runOnce();
        before.close();

        ScriptedChannel freshWebhook = new ScriptedChannel("webhook");
        clock.advance(Duration.ofMinutes(5));
        relay("g1-restarted", inbox, freshWebhook).drain(5);

        assertThat(freshWebhook.accepted).hasSize(1);
        assertThat(inbox.accepted).hasSize(1);
        assertThat(outbox.health().pending()).isZero();
    }

    @Test
    void claimOfAnInstanceThatDied_isReclaimedAfterTheLease() {
        long seq = disclose("req-g", "pat-1");
        // An instance claims the row and dies before recording a result: its channel call never returns.
        NotificationChannel hangs = new NotificationChannel() {
            @Override
            public String name() {
                return "fhir-inbox";
            }

            @Override
            public void deliver(Notice notice) {
                throw new InstanceDied();
            }
        };
        NotificationRelay dying = relay("g-dies", hangs);
        assertThatThrownBy(dying::runOnce).isInstanceOf(InstanceDied.class);

        NotificationRelay survivor = relay("g-survives", inbox);
        assertThat(survivor.runOnce().claimed()).as("still claimed by the dead instance").isZero();
        clock.advance(LEASE);
        assertThat(survivor.runOnce().delivered()).isEqualTo(1);
        assertThat(inbox.accepted).containsExactly(outbox.rows(seq).get(0).noticeId());
    }

    @Test
    void slowDeliveries_handBackRowsOnceHalfTheLeaseHasPassed() {
        for (int i = 0; i < 3; i++) {
            disclose("req-s" + i, "pat-" + i);
        }
        NotificationChannel slow = new NotificationChannel() {
            @Override
            public String name() {
                return "fhir-inbox";
            }

            @Override
            public void deliver(Notice notice) throws DeliveryException {
                clock.advance(LEASE.dividedBy(2));
                inbox.deliver(notice);
            }
        };
        NotificationRelay relay = relay("g1", slow);

        NotificationRelay.BatchResult first = relay.runOnce();
        assertThat(first.delivered()).isEqualTo(1);
        assertThat(first.released()).isEqualTo(2);
        assertThat(relay.runOnce().delivered()).as("handed-back rows are claimable at once").isEqualTo(1);
        assertThat(relay.runOnce().delivered()).isEqualTo(1);
        assertThat(inbox.accepted).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void everyAttemptFailing_deadLettersAfterMaxAttemptsOnce() {
        long seq = disclose("req-h", "pat-1");
        inbox.down = true;
        NotificationRelay relay = relay("g1", inbox);
        int deadLettered = 0;
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                NotificationRelay.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            for (int i = 0; i < 20; i++) {
                deadLettered += relay.runOnce().deadLettered();
                clock.advance(RETRY.maxDelay());
            }
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                .singleElement().extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .asString().startsWith("DG-6020").contains("fhir-inbox", "after 4 attempts", "receiver down");

        assertThat(inbox.attempts.get()).isEqualTo(RETRY.maxAttempts());
        assertThat(deadLettered).isEqualTo(1);
        OutboxRow row = outbox.rows(seq).stream().filter(r -> r.channel().equals("fhir-inbox")).findFirst()
                .orElseThrow();
        assertThat(row.status()).isEqualTo("failed");
        assertThat(row.attempts()).isEqualTo(RETRY.maxAttempts());
        assertThat(outbox.health().failed()).isEqualTo(1);

        inbox.down = false;
        assertThat(outbox.requeueFailed("fhir-inbox")).isEqualTo(1);
        assertThat(relay.runOnce().delivered()).isEqualTo(1);
        assertThat(outbox.health().failed()).isZero();
    }

    @Test
    void backOff_growsExponentiallyUpToTheCap() {
        long seq = disclose("req-j", "pat-1");
        inbox.down = true;
        NotificationRelay relay = new NotificationRelay(db, List.of(inbox),
                new RetryPolicy(10, Duration.ofSeconds(10), Duration.ofSeconds(60)), clock, new Random(11), 10,
                LEASE, "g1");
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            relay.runOnce();
            OutboxRow row = outbox.rows(seq).stream().filter(r -> r.channel().equals("fhir-inbox")).findFirst()
                    .orElseThrow();
            long wait = Duration.between(clock.instant(), row.nextAttempt()).toMillis();
            waits.add(wait);
            clock.advance(Duration.ofMillis(wait));
        }
        long[] full = {10_000, 20_000, 40_000, 60_000, 60_000, 60_000};
        for (int i = 0; i < full.length; i++) {
            assertThat(waits.get(i)).as("wait after failure %d", i + 1).isBetween(full[i] / 2, full[i]);
        }
    }

    @Test
    void health_reportsTheAgeOfTheOldestPendingRow() {
        assertThat(outbox.health().oldestPending()).isEmpty();
        disclose("req-k", "pat-1");
        clock.advance(Duration.ofMinutes(7));
        assertThat(outbox.health().oldestPending()).contains(Duration.ofMinutes(7));
        assertThat(outbox.health().pending()).isEqualTo(2);
    }

    @Test
    void concurrentRelays_claimEachRowOnce() throws Exception {
        int notices = 40;
        for (int i = 0; i < notices; i++) {
            disclose("req-l" + i, "pat-" + i);
        }
        inbox.delayMillis = 5;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                NotificationRelay relay = new NotificationRelay(db, List.of(inbox), RETRY, clock, new Random(t), 5,
                        LEASE, "g" + t);
                runs.add(pool.submit(() -> relay.drain(100)));
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(inbox.accepted).hasSize(notices).doesNotHaveDuplicates();
        assertThat(outbox.rowsWithStatus("delivered", 1000)).hasSize(notices);
    }

    @Test
    void theNewestDeliveredRows_comeFirst_forTheStaffPage() {
        long older = disclose("req-old", "pat-old");
        clock.advance(Duration.ofMinutes(1));
        long newer = disclose("req-new", "pat-new");
        relay("g1", inbox).drain(10);

        assertThat(outbox.newestRowsWithStatus("delivered", 1)).extracting(OutboxRow::auditSeq)
                .containsExactly(newer);
        assertThat(outbox.rowsWithStatus("delivered", 1)).extracting(OutboxRow::auditSeq)
                .containsExactly(older);
    }

    @Test
    void start_pollsUntilClosed() throws Exception {
        disclose("req-p", "pat-1");
        NotificationRelay relay = relay("g1", inbox, webhook);
        relay.start(Duration.ofMillis(20));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((inbox.accepted.isEmpty() || webhook.accepted.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            relay.close();
        }
        assertThat(inbox.accepted).hasSize(1);
        assertThat(webhook.accepted).hasSize(1);
        assertThatThrownBy(() -> {
            relay.start(Duration.ofSeconds(1));
            relay.start(Duration.ofSeconds(1));
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        relay.close();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 20261123, 987654321})
    void randomOutagesAndRestarts_everyRowEndsDeliveredOnceOrDeadLetteredAtMaxAttempts(long seed) {
        Random random = new Random(seed);
        int disclosures = 0;
        NotificationRelay relay = simulated(seed, "g0");
        for (int step = 0; step < 150; step++) {
            if (random.nextInt(3) == 0) {
                disclose("req-r" + seed + "-" + disclosures, "pat-" + disclosures);
                disclosures++;
            }
            // Outages come in spells: each channel flips state now and then and stays so for a while.
            if (random.nextInt(8) == 0) {
                inbox.down = !inbox.down;
            }
            if (random.nextInt(6) == 0) {
                webhook.down = !webhook.down;
            }
            if (random.nextInt(15) == 0) {
                relay.close();
                relay = simulated(seed, "g" + step); // a restart
            }
            relay.runOnce();
            clock.advance(Duration.ofSeconds(random.nextInt(40)));
        }
        inbox.down = false;
        webhook.down = false;
        for (int i = 0; i < 5; i++) {
            relay.drain(1000);
            clock.advance(RETRY.maxDelay());
        }

        assertThat(inbox.accepted).doesNotHaveDuplicates();
        assertThat(webhook.accepted).doesNotHaveDuplicates();
        List<OutboxRow> rows = new ArrayList<>(outbox.rowsWithStatus("delivered", 1000));
        List<OutboxRow> failed = outbox.rowsWithStatus("failed", 1000);
        assertThat(outbox.rowsWithStatus("pending", 1000)).isEmpty();
        assertThat(disclosures).isPositive();
        assertThat(rows.size() + failed.size()).isEqualTo(disclosures * 2);
        assertThat(failed).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(RETRY.maxAttempts()));
        assertThat(rows).allSatisfy(r -> assertThat(r.attempts()).isBetween(1, RETRY.maxAttempts()));
        assertThat(rows.stream().filter(r -> r.channel().equals("fhir-inbox")).map(OutboxRow::noticeId))
                .containsExactlyInAnyOrderElementsOf(inbox.accepted);
        assertThat(rows.stream().filter(r -> r.channel().equals("webhook")).map(OutboxRow::noticeId))
                .containsExactlyInAnyOrderElementsOf(webhook.accepted);
        System.out.printf("seed %d: %d delivered, %d dead letters, %d inbox attempts, %d webhook attempts%n", seed,
                rows.size(), failed.size(), inbox.attempts.get(), webhook.attempts.get());
    }


    private OutboxRow row(long seq, String channel) {
        return outbox.rows(seq).stream().filter(r -> r.channel().equals(channel)).findFirst().orElseThrow();
    }

    private static ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captureRelayLog() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                NotificationRelay.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        logger.addAppender(events);
        return events;
    }

    private static void release(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(NotificationRelay.class))
                .detachAppender(events);
    }

    @Test
    void retryAfter_longerThanTheBackOff_isTheEarliestNextAttemptAndCountsAsAnAttempt() {
        long seq = disclose("req-ra1", "pat-1");
        webhook.down = true;
        webhook.retryAfter = Duration.ofSeconds(90); // back-off after one failure: 5 to 10 s
        NotificationRelay relay = relay("g1", inbox, webhook);

        NotificationRelay.BatchResult first = relay.runOnce();

        assertThat(first.retrying()).isEqualTo(1);
        OutboxRow row = row(seq, "webhook");
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.nextAttempt()).isEqualTo(clock.instant().plusSeconds(90));
        webhook.down = false;
        clock.advance(Duration.ofSeconds(89));
        assertThat(relay.runOnce().claimed()).as("not before the receiver's Retry-After").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(relay.runOnce().delivered()).isEqualTo(1);
        assertThat(row(seq, "webhook").attempts()).isEqualTo(2);
        assertThat(webhook.attempts.get()).isEqualTo(2);
    }

    @Test
    void retryAfter_shorterThanTheBackOff_leavesTheBackOff() {
        long seq = disclose("req-ra2", "pat-1");
        webhook.down = true;
        webhook.retryAfter = Duration.ofSeconds(1);
        relay("g1", webhook).runOnce();

        long wait = Duration.between(clock.instant(), row(seq, "webhook").nextAttempt()).toMillis();
        assertThat(wait).as("the back-off after one failure").isBetween(5_000L, 10_000L);
    }

    @Test
    void retryAfter_beyondThePolicysCap_isCappedAtMaxDelay() {
        long seq = disclose("req-ra3", "pat-1");
        webhook.down = true;
        webhook.retryAfter = Duration.ofDays(2);
        NotificationRelay relay = relay("g1", webhook);
        relay.runOnce();

        assertThat(row(seq, "webhook").nextAttempt()).isEqualTo(clock.instant().plus(RETRY.maxDelay()));
        webhook.down = false;
        clock.advance(RETRY.maxDelay());
        assertThat(relay.runOnce().delivered()).isEqualTo(1);
    }

    @Test
    void retryAfter_pausesTheWholeChannelForEveryInstance_notTheOtherChannels() {
        long first = disclose("req-ra4", "pat-1");
        webhook.down = true;
        webhook.retryAfter = Duration.ofSeconds(120);
        relay("g1", inbox, webhook).runOnce();
        webhook.down = false;
        long second = disclose("req-ra5", "pat-2"); // due now, but its receiver asked for a pause

        ScriptedChannel otherWebhook = new ScriptedChannel("webhook");
        NotificationRelay otherInstance = relay("g2", inbox, otherWebhook);
        clock.advance(Duration.ofSeconds(60));
        otherInstance.drain(10);
        assertThat(otherWebhook.attempts.get()).as("paused across instances").isZero();
        assertThat(inbox.accepted).hasSize(2);
        assertThat(row(second, "webhook").attempts()).isZero();

        clock.advance(Duration.ofSeconds(60));
        otherInstance.drain(10);
        assertThat(otherWebhook.accepted).containsExactlyInAnyOrder(row(first, "webhook").noticeId(),
                row(second, "webhook").noticeId());
    }

    @Test
    void retryAfter_onTheLastAttempt_stillDeadLetters() {
        long seq = disclose("req-ra6", "pat-1");
        webhook.down = true;
        webhook.retryAfter = Duration.ofSeconds(30);
        NotificationRelay relay = relay("g1", webhook);
        for (int i = 0; i < RETRY.maxAttempts(); i++) {
            relay.runOnce();
            clock.advance(RETRY.maxDelay());
        }
        assertThat(row(seq, "webhook").status()).isEqualTo("failed");
        assertThat(webhook.attempts.get()).isEqualTo(RETRY.maxAttempts());
    }

    @Test
    void receiverGone_disablesItsChannelOnly_untilAnOperatorRequeues() {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seqs.add(disclose("req-gone" + i, "pat-" + i));
        }
        webhook.gone = true;
        RecordingMetrics metrics = new RecordingMetrics();
        NotificationRelay relay = new NotificationRelay(db, List.of(inbox, webhook), RETRY, clock, new Random(7), 50,
                LEASE, "g1", metrics);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events = captureRelayLog();
        NotificationRelay.BatchResult first;
        try {
            first = relay.runOnce();
            clock.advance(Duration.ofHours(1));
            relay.drain(10);
        } finally {
            release(events);
        }

        assertThat(first.disabled()).isEqualTo(3);
        assertThat(webhook.attempts.get()).as("one 410, then nothing").isEqualTo(1);
        assertThat(inbox.accepted).hasSize(3);
        assertThat(events.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                .singleElement().extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).asString()
                .startsWith("DG-6022").contains("webhook", "requeueDisabled", "receiver gone");
        for (long seq : seqs) {
            OutboxRow row = row(seq, "webhook");
            assertThat(row.status()).isEqualTo("disabled");
            assertThat(row.lastError()).contains("receiver gone");
            assertThat(row(seq, "fhir-inbox").status()).isEqualTo("delivered");
        }
        assertThat(outbox.rows(seqs.get(0))).extracting(OutboxRow::attempts).containsExactlyInAnyOrder(1, 1);
        assertThat(outbox.disabledChannels()).containsOnlyKeys("webhook");
        assertThat(outbox.health().disabled()).isEqualTo(3);
        assertThat(outbox.health().pending()).isZero();
        assertThat(metrics.count("disabled:webhook")).isEqualTo(1);
        assertThat(metrics.count("delivered:fhir-inbox")).isEqualTo(3);

        // A later disclosure: its webhook row is held too, by a fresh instance (the state is in the database).
        webhook.gone = false;
        long later = disclose("req-gone-later", "pat-9");
        ScriptedChannel restartedWebhook = new ScriptedChannel("webhook");
        NotificationRelay restarted = relay("g1-restarted", inbox, restartedWebhook);
        restarted.drain(10);
        assertThat(restartedWebhook.attempts.get()).isZero();
        assertThat(row(later, "webhook").status()).isEqualTo("disabled");
        assertThat(row(later, "fhir-inbox").status()).isEqualTo("delivered");

        assertThat(outbox.requeueDisabled("webhook")).isEqualTo(4);
        assertThat(outbox.disabledChannels()).isEmpty();
        restarted.drain(10);
        assertThat(restartedWebhook.accepted).hasSize(4).doesNotHaveDuplicates();
        assertThat(outbox.health().disabled()).isZero();
        assertThat(outbox.health().pending()).isZero();
    }

    @Test
    void metrics_countEachRecordedResult() {
        long seq = disclose("req-m1", "pat-1");
        RecordingMetrics metrics = new RecordingMetrics();
        inbox.down = true;
        NotificationRelay relay = new NotificationRelay(db, List.of(inbox, webhook),
                new RetryPolicy(2, Duration.ofSeconds(10), Duration.ofMinutes(1)), clock, new Random(1), 50, LEASE,
                "g1", metrics);

        relay.runOnce();
        clock.advance(Duration.ofMinutes(1));
        relay.runOnce();

        assertThat(metrics.events).containsExactlyInAnyOrder("retried:fhir-inbox", "delivered:webhook",
                "failed:fhir-inbox");
        assertThat(row(seq, "fhir-inbox").status()).isEqualTo("failed");
    }

    @Test
    void metricsThatThrow_doNotStopDeliveryOrItsRecord() {
        long seq = disclose("req-m2", "pat-1");
        NotificationMetrics broken = new NotificationMetrics() {
            @Override
            public void delivered(String channel) {
                throw new IllegalStateException("registry closed");
            }
        };
        NotificationRelay relay = new NotificationRelay(db, List.of(inbox, webhook), RETRY, clock, new Random(1), 50,
                LEASE, "g1", broken);

        assertThat(relay.runOnce().delivered()).isEqualTo(2);
        assertThat(outbox.rows(seq)).extracting(OutboxRow::status).containsOnly("delivered");
    }

    @Test
    void requeueDisabled_ofAChannelThatWasNeverDisabled_changesNothing() {
        disclose("req-q1", "pat-1");
        assertThat(outbox.requeueDisabled("webhook")).isZero();
        assertThat(outbox.health().pending()).isEqualTo(2);
        assertThat(outbox.disabledChannels()).isEmpty();
    }

    private NotificationRelay simulated(long seed, String instance) {
        return new NotificationRelay(db, List.of(inbox, webhook), RETRY, clock, new Random(seed), 3, LEASE, instance);
    }

    /** Stands for the process ending in the middle of a delivery. */
    private static final class InstanceDied extends Error {
        private static final long serialVersionUID = 1L;
    }
}

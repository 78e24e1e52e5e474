package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daily digest behaviour every database must give; subclasses supply a fresh, empty database. Disclosures are
 * recorded on Monday 23 November 2026 at 09:30 GMT; the digest is sent daily at 07:00 Europe/London, so the first
 * digest that may hold them is Tuesday's at 07:00 GMT.
 */
abstract class DigestSenderContract {

    static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(10));
    static final Duration LEASE = Duration.ofMinutes(5);
    static final DigestSchedule SEVEN_LONDON = new DigestSchedule(LocalTime.of(7, 0), ZoneId.of("Europe/London"));
    static final Instant TUESDAY_SEVEN = Instant.parse("2026-11-24T07:00:00Z");

    DataSource db;
    JdbcAuditStore audit;
    Disclosures.MutableClock clock;
    ScriptedDigestChannel inbox;
    ScriptedChannel webhook;
    NotificationOutbox outbox;
    RecordingMetrics metrics;

    abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        db = freshDatabase();
        GuardDatabase.migrate(db);
        audit = new JdbcAuditStore(db);
        clock = new Disclosures.MutableClock(Disclosures.T0);
        inbox = new ScriptedDigestChannel("fhir-inbox");
        webhook = new ScriptedChannel("webhook");
        outbox = new NotificationOutbox(db, Disclosures.FACTORY, List.of("fhir-inbox", "webhook"), clock);
        metrics = new RecordingMetrics();
    }

    DigestSender sender(String instance) {
        return new DigestSender(db, inbox, SEVEN_LONDON, RETRY, clock, new Random(11), 1000, LEASE, instance,
                metrics);
    }

    /** A disclosure of {@code patients}, each registered with the clinician after its colon ({@code pat-1:gp-1}). */
    List<String> disclose(String requestId, String... patientsWithClinicians) {
        List<String> patients = new ArrayList<>();
        List<NoticeSubject> subjects = new ArrayList<>();
        for (String p : patientsWithClinicians) {
            String[] parts = p.split(":");
            patients.add(parts[0]);
            subjects.add(NoticeSubject.of(parts[0], "Practitioner/" + parts[1], "900 000 0009"));
        }
        AuditEntry entry = Disclosures.police(requestId, patients);
        long seq = audit.append(entry, outbox.writesFor(entry, subjects)).seq();
        return outbox.rows(seq).stream().filter(r -> r.channel().equals("fhir-inbox")).map(OutboxRow::noticeId)
                .toList();
    }

    /** Six notices: four for Practitioner/gp-1, two for Practitioner/gp-2, over four requests. */
    Map<String, List<String>> sixNoticesForTwoClinicians() {
        List<String> gp1 = new ArrayList<>();
        List<String> gp2 = new ArrayList<>();
        gp1.addAll(disclose("req-1", "pat-1:gp-1"));
        List<String> mixed = disclose("req-2", "pat-2:gp-1", "pat-3:gp-2");
        for (String id : mixed) {
            String clinician = NoticeJson.read(rowOf(id).noticeJson()).clinicianReference();
            (clinician.equals("Practitioner/gp-1") ? gp1 : gp2).add(id);
        }
        clock.advance(Duration.ofHours(3));
        gp1.addAll(disclose("req-3", "pat-1:gp-1"));
        clock.advance(Duration.ofHours(8));
        gp1.addAll(disclose("req-4", "pat-4:gp-1"));
        gp2.addAll(disclose("req-5", "pat-5:gp-2"));
        return Map.of("Practitioner/gp-1", gp1, "Practitioner/gp-2", gp2);
    }

    OutboxRow rowOf(String noticeId) {
        return outbox.rowsWithStatus("pending", 1000).stream()
                .filter(r -> r.noticeId().equals(noticeId) && r.channel().equals("fhir-inbox")).findFirst()
                .orElseThrow();
    }

    List<OutboxRow> inboxRows(String status) {
        return outbox.rowsWithStatus(status, 1000).stream().filter(r -> r.channel().equals("fhir-inbox")).toList();
    }

    static Map<String, List<String>> noticeIdsByRecipient(List<Digest> digests) {
        return digests.stream().collect(Collectors.toMap(Digest::recipient,
                d -> d.notices().stream().map(Notice::noticeId).toList()));
    }

    @Test
    void severalNoticesForTwoClinicians_giveExactlyOneDigestEach_withEveryNoticeOnce() {
        Map<String, List<String>> expected = sixNoticesForTwoClinicians();
        clock.set(TUESDAY_SEVEN);

        DigestSender.DigestResult result = sender("guard-1").runOnce();

        assertThat(result.claimed()).isEqualTo(6);
        assertThat(result.digests()).isEqualTo(2);
        assertThat(result.delivered()).isEqualTo(6);
        assertThat(inbox.accepted).hasSize(2);
        Map<String, List<String>> got = noticeIdsByRecipient(inbox.accepted);
        assertThat(got.keySet()).containsExactlyInAnyOrder("Practitioner/gp-1", "Practitioner/gp-2");
        assertThat(got.get("Practitioner/gp-1")).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.get("Practitioner/gp-1")).hasSize(4);
        assertThat(got.get("Practitioner/gp-2")).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.get("Practitioner/gp-2")).hasSize(2);
        assertThat(inbox.accepted).allSatisfy(d -> {
            assertThat(d.channel()).isEqualTo("fhir-inbox");
            assertThat(d.sendTime()).isEqualTo(TUESDAY_SEVEN);
            assertThat(d.notices()).allSatisfy(n -> assertThat(n.clinicianReference()).isEqualTo(d.recipient()));
        });
        assertThat(inboxRows("delivered")).hasSize(6).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
        assertThat(inboxRows("pending")).isEmpty();
        assertThat(metrics.count("delivered:fhir-inbox")).isEqualTo(6);

        clock.advance(Duration.ofMinutes(1));
        assertThat(sender("guard-1").runOnce().claimed()).as("nothing is sent twice").isZero();
        assertThat(inbox.accepted).hasSize(2);
    }

    @Test
    void nothingIsDeliveredBeforeTheSendTime() {
        sixNoticesForTwoClinicians();
        DigestSender sender = sender("guard-1");

        clock.set(Instant.parse("2026-11-23T23:59:59Z"));
        assertThat(sender.runOnce().claimed()).isZero();
        clock.set(Instant.parse("2026-11-24T06:59:59.999Z"));
        assertThat(sender.runOnce().claimed()).isZero();
        assertThat(inbox.attempts.get()).isZero();
        assertThat(inboxRows("pending")).hasSize(6).allSatisfy(r -> assertThat(r.attempts()).isZero());

        clock.set(TUESDAY_SEVEN);
        assertThat(sender.runOnce().delivered()).isEqualTo(6);
    }

    @Test
    void noticeWrittenAfterTodaysSendTime_waitsForTomorrowsDigest() {
        clock.set(Instant.parse("2026-11-24T06:59:00Z"));
        List<String> early = disclose("req-early", "pat-1:gp-1");
        clock.set(Instant.parse("2026-11-24T07:00:00.001Z"));
        List<String> late = disclose("req-late", "pat-2:gp-1");
        DigestSender sender = sender("guard-1");

        clock.set(Instant.parse("2026-11-24T07:05:00Z"));
        sender.runOnce();
        clock.set(Instant.parse("2026-11-25T06:59:00Z"));
        sender.runOnce();

        assertThat(inbox.accepted).hasSize(1);
        assertThat(inbox.accepted.get(0).notices()).extracting(Notice::noticeId).containsExactlyElementsOf(early);

        clock.set(Instant.parse("2026-11-25T07:00:00Z"));
        sender.runOnce();
        assertThat(inbox.accepted).hasSize(2);
        assertThat(inbox.accepted.get(1).notices()).extracting(Notice::noticeId).containsExactlyElementsOf(late);
        assertThat(inbox.accepted.get(1).sendTime()).isEqualTo(Instant.parse("2026-11-25T07:00:00Z"));
    }

    @Test
    void failedDigest_isRetriedAfterBackOff_andNothingIsLost() {
        Map<String, List<String>> expected = sixNoticesForTwoClinicians();
        DigestSender sender = sender("guard-1");
        clock.set(TUESDAY_SEVEN);
        inbox.down = true;

        DigestSender.DigestResult failed = sender.runOnce();

        assertThat(failed.digests()).isZero();
        assertThat(inbox.attempts.get()).as("the first digest fails; the other is handed back untried").isEqualTo(1);
        assertThat(failed.retrying() + failed.released()).isEqualTo(6);
        assertThat(failed.released()).isPositive();
        List<OutboxRow> pending = inboxRows("pending");
        assertThat(pending).hasSize(6);
        List<OutboxRow> tried = pending.stream().filter(r -> r.attempts() == 1).toList();
        assertThat(tried).hasSize(failed.retrying()).allSatisfy(r -> {
            assertThat(r.lastError()).contains("receiver down");
            assertThat(r.nextAttempt()).isAfterOrEqualTo(TUESDAY_SEVEN.plusSeconds(15))
                    .isBeforeOrEqualTo(TUESDAY_SEVEN.plusSeconds(30));
        });
        assertThat(tried.stream().map(OutboxRow::nextAttempt).distinct()).as("one next attempt per digest")
                .hasSize(1);
        assertThat(metrics.count("retried:fhir-inbox")).isEqualTo(failed.retrying());

        // The receiver comes back. The untried digest goes at the next pass; the failed one after its back-off.
        inbox.down = false;
        clock.advance(Duration.ofSeconds(1));
        sender.runOnce();
        assertThat(inbox.accepted).hasSize(1);
        clock.advance(Duration.ofSeconds(30));
        sender.runOnce();

        assertThat(inbox.accepted).hasSize(2);
        Map<String, List<String>> got = noticeIdsByRecipient(inbox.accepted);
        expected.forEach((clinician, ids) -> assertThat(got.get(clinician)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids));
        assertThat(inboxRows("delivered")).hasSize(6);
        assertThat(inboxRows("pending")).isEmpty();
        assertThat(inboxRows("failed")).isEmpty();
    }

    @Test
    void retriedDigestWithTheSameNotices_keepsItsId() {
        disclose("req-1", "pat-1:gp-1", "pat-2:gp-1");
        DigestSender sender = sender("guard-1");
        clock.set(TUESDAY_SEVEN);
        inbox.down = true;
        sender.runOnce();
        inbox.down = false;
        clock.advance(Duration.ofMinutes(1));
        sender.runOnce();

        assertThat(inbox.tried).hasSize(2);
        assertThat(inbox.accepted).hasSize(1);
        assertThat(inbox.tried.get(1).digestId()).as("the receiver can drop a repeat by its id")
                .isEqualTo(inbox.tried.get(0).digestId());
        assertThat(inbox.tried.get(1).notices()).isEqualTo(inbox.tried.get(0).notices());
    }

    @Test
    void digestThatKeepsFailing_becomesDeadLetters_afterTheLastAttempt() {
        disclose("req-1", "pat-1:gp-1", "pat-2:gp-1");
        DigestSender sender = sender("guard-1");
        clock.set(TUESDAY_SEVEN);
        inbox.down = true;

        for (int i = 0; i < RETRY.maxAttempts(); i++) {
            sender.runOnce();
            clock.advance(RETRY.maxDelay());
        }

        assertThat(inbox.attempts.get()).isEqualTo(RETRY.maxAttempts());
        assertThat(inboxRows("failed")).hasSize(2).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(3));
        assertThat(inboxRows("pending")).isEmpty();
        assertThat(metrics.count("failed:fhir-inbox")).isEqualTo(2);
        assertThat(outbox.requeueFailed("fhir-inbox")).isEqualTo(2);
    }

    @Test
    void retryAfter_pausesTheChannel_untilTheReceiversWait() {
        disclose("req-1", "pat-1:gp-1");
        disclose("req-2", "pat-2:gp-2");
        DigestSender sender = sender("guard-1");
        clock.set(TUESDAY_SEVEN);
        inbox.down = true;
        inbox.retryAfter = Duration.ofMinutes(5);
        sender.runOnce();
        inbox.down = false;

        clock.advance(Duration.ofMinutes(4));
        assertThat(sender.runOnce().claimed()).as("paused: not even the untried digest goes").isZero();
        clock.advance(Duration.ofMinutes(1));
        sender.runOnce();

        assertThat(inbox.accepted).hasSize(2);
        assertThat(inboxRows("delivered")).hasSize(2);
    }

    @Test
    void digestChannelRows_areNotDeliveredByTheRelay_andTheOtherChannelIsImmediate() {
        sixNoticesForTwoClinicians();
        NotificationRelay relay = new NotificationRelay(db, List.of(webhook), RETRY, clock, new Random(3), 50,
                LEASE, "guard-1");

        relay.drain(10);

        assertThat(webhook.accepted).hasSize(6);
        assertThat(inbox.attempts.get()).isZero();
        assertThat(inboxRows("pending")).hasSize(6);
    }

    @Test
    void severalInstancesAtOnce_sendOneDigestPerClinician() throws Exception {
        Map<String, List<String>> expected = new java.util.HashMap<>(Map.of("Practitioner/gp-1", new ArrayList<>(),
                "Practitioner/gp-2", new ArrayList<>()));
        for (int i = 0; i < 60; i++) {
            String clinician = i % 2 == 0 ? "gp-1" : "gp-2";
            expected.get("Practitioner/" + clinician).addAll(disclose("req-" + i, "pat-" + i + ":" + clinician));
        }
        clock.set(TUESDAY_SEVEN);
        inbox.delayMillis = 20;
        int instances = 6;
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<DigestSender.DigestResult>> results = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                DigestSender sender = sender("guard-" + i);
                Callable<DigestSender.DigestResult> run = () -> {
                    go.await();
                    return sender.runOnce();
                };
                results.add(pool.submit(run));
            }
            go.countDown();
            int claimed = 0;
            for (Future<DigestSender.DigestResult> result : results) {
                claimed += result.get(60, TimeUnit.SECONDS).claimed();
            }
            assertThat(claimed).isEqualTo(60);
        } finally {
            pool.shutdownNow();
        }

        assertThat(inbox.accepted).as("one digest per clinician, not one per instance").hasSize(2);
        Map<String, List<String>> got = noticeIdsByRecipient(inbox.accepted);
        expected.forEach((clinician, ids) -> assertThat(got.get(clinician)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids).hasSize(30));
        assertThat(inboxRows("delivered")).hasSize(60);
    }

    @Test
    void claimOfAnInstanceThatDied_lapses_andTheDigestIsSentByAnother() throws Exception {
        Map<String, List<String>> expected = sixNoticesForTwoClinicians();
        clock.set(TUESDAY_SEVEN);
        // An instance claims every row and dies before delivering: simulate by claiming under a token by hand.
        try (var c = db.getConnection(); var s = c.prepareStatement("UPDATE notification_outbox SET "
                + "claimed_until_ms = ?, claim_token = 'dead:1' WHERE channel = 'fhir-inbox'")) {
            s.setLong(1, TUESDAY_SEVEN.plus(LEASE).toEpochMilli());
            s.executeUpdate();
        }
        DigestSender other = sender("guard-2");

        assertThat(other.runOnce().claimed()).isZero();
        clock.advance(LEASE);
        other.runOnce();

        assertThat(noticeIdsByRecipient(inbox.accepted)).hasSize(2);
        expected.forEach((clinician, ids) -> assertThat(noticeIdsByRecipient(inbox.accepted).get(clinician))
                .containsExactlyInAnyOrderElementsOf(ids));
    }
}

package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation of the audit chain with the outbox, on each database the guard supports: a disclosure's row that is
 * missing comes back once, with the notice as it was written; a disclosure appended without notification gets its
 * notices; a restricted-record notice's missing channel row comes back; nothing else is written, and a second pass
 * (or two passes at once) writes nothing twice.
 */
abstract class OutboxReconciliationContract {

    private static final List<String> CHANNELS = List.of(FhirInboxChannel.NAME, EmailChannel.NAME);

    abstract DataSource freshDatabase() throws Exception;

    private DataSource dataSource;
    private JdbcAuditStore audit;
    private NotificationOutbox outbox;

    @BeforeEach
    void setUp() throws Exception {
        dataSource = freshDatabase();
        GuardDatabase.migrate(dataSource);
        audit = new JdbcAuditStore(dataSource);
        outbox = new NotificationOutbox(dataSource, Disclosures.FACTORY, CHANNELS,
                new Disclosures.MutableClock(Disclosures.T0));
    }

    private long disclose(String requestId) {
        AuditEntry entry = Disclosures.police(requestId);
        return audit.append(entry, outbox.writesFor(entry, Disclosures.subjects(entry.patients()))).seq();
    }

    private void delete(long seq, String channel) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "DELETE FROM notification_outbox WHERE audit_seq = ? AND channel = ?")) {
            s.setLong(1, seq);
            s.setString(2, channel);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void aDeletedRow_comesBackOnce_asTheNoticeWasWritten_andASecondPassWritesNothing() throws Exception {
        long kept = disclose("req-r1");
        long damaged = disclose("req-r2");
        String before = outbox.rows(damaged).stream().filter(r -> r.channel().equals(EmailChannel.NAME))
                .findFirst().orElseThrow().noticeJson();
        delete(damaged, EmailChannel.NAME);

        Reconciliation first = outbox.reconcile(audit, 1, 100);
        Reconciliation second = outbox.reconcile(audit, 1, 100);

        assertThat(first.repairedSeqs()).containsExactly(damaged);
        assertThat(first.rowsWritten()).containsExactlyEntriesOf(java.util.Map.of(EmailChannel.NAME, 1));
        assertThat(first.entriesChecked()).isEqualTo(2);
        assertThat(first.nextSeq()).isEqualTo(damaged + 1);
        List<OutboxRow> rows = outbox.rows(damaged);
        assertThat(rows).extracting(OutboxRow::channel).containsExactlyInAnyOrderElementsOf(CHANNELS);
        OutboxRow restored = rows.stream().filter(r -> r.channel().equals(EmailChannel.NAME)).findFirst()
                .orElseThrow();
        assertThat(restored.status()).isEqualTo(NotificationOutbox.PENDING);
        assertThat(NoticeJson.read(restored.noticeJson())).isEqualTo(NoticeJson.read(before));
        assertThat(NoticeJson.read(restored.noticeJson()).clinicianReference()).isEqualTo("Practitioner/gp-1");
        assertThat(outbox.rows(kept)).hasSize(2);
        assertThat(second.totalRowsWritten()).isZero();
        assertThat(second.repairedSeqs()).isEmpty();
        assertThat(outbox.rows(damaged)).hasSize(2);
    }

    @Test
    void aDisclosureAppendedWithoutNotification_getsItsNotices_rebuiltFromTheAuditEntry() {
        AuditEntry entry = Disclosures.police("req-r3", List.of("pat-1", "pat-2"));
        long seq = audit.append(entry, List.of()).seq();
        assertThat(outbox.unnotifiedDisclosures(audit, 1, 100)).containsExactly(seq);

        Reconciliation pass = outbox.reconcile(audit, 1, 100);

        assertThat(pass.rowsWritten()).containsEntry(FhirInboxChannel.NAME, 2).containsEntry(EmailChannel.NAME, 2);
        List<OutboxRow> rows = outbox.rows(seq);
        assertThat(rows).hasSize(4);
        assertThat(rows).extracting(OutboxRow::noticeId).containsOnly(NoticeFactory.noticeId(seq, "req-r3", "pat-1"),
                NoticeFactory.noticeId(seq, "req-r3", "pat-2"));
        Notice notice = NoticeJson.read(rows.get(0).noticeJson());
        assertThat(notice.clinicianReference()).as("the audit entry does not record the clinician").isEmpty();
        assertThat(notice.organisation()).isEqualTo("Metropolitan Police");
        assertThat(outbox.unnotifiedDisclosures(audit, 1, 100)).isEmpty();
    }

    @Test
    void aRestrictedRecordNotice_getsItsMissingChannelBack_butOtherRefusalsAndInternalReadsGetNothing()
            throws Exception {
        AuditEntry held = RestrictedRecordNoticeTest.immigration("req-r4", AuditOutcome.ESCALATE, List.of("pat-1"),
                false);
        long heldSeq = audit.append(held, outbox.writesFor(held, Disclosures.subjects(List.of("pat-1")), true)).seq();
        AuditEntry refused = RestrictedRecordNoticeTest.immigration("req-r5", AuditOutcome.DENY, List.of("pat-2"),
                false);
        long refusedSeq = audit.append(refused, List.of()).seq();
        AuditEntry internal = RestrictedRecordNoticeTest.immigration("req-r6", AuditOutcome.ESCALATE,
                List.of("pat-3"), true);
        long internalSeq = audit.append(internal, List.of()).seq();
        delete(heldSeq, FhirInboxChannel.NAME);

        Reconciliation pass = outbox.reconcile(audit, 1, 100);

        assertThat(pass.repairedSeqs()).containsExactly(heldSeq);
        List<OutboxRow> rows = outbox.rows(heldSeq);
        assertThat(rows).extracting(OutboxRow::channel).containsExactlyInAnyOrderElementsOf(CHANNELS);
        assertThat(NoticeJson.read(rows.get(0).noticeJson()).kind()).isEqualTo(Notice.RESTRICTED_HELD);
        assertThat(outbox.rows(refusedSeq)).isEmpty();
        assertThat(outbox.rows(internalSeq)).isEmpty();
    }

    @Test
    void aDeliveredRow_staysDelivered_andIsNotWrittenAgain() throws Exception {
        long seq = disclose("req-r7");
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET status = 'delivered', "
                     + "delivered_ms = 1 WHERE audit_seq = ?")) {
            s.setLong(1, seq);
            s.executeUpdate();
        }

        Reconciliation pass = outbox.reconcile(audit, 1, 100);

        assertThat(pass.totalRowsWritten()).isZero();
        assertThat(outbox.rows(seq)).extracting(OutboxRow::status).containsOnly(NotificationOutbox.DELIVERED);
    }

    @Test
    void twoPassesAtOnce_writeEachMissingRowOnce() throws Exception {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            AuditEntry entry = Disclosures.police("req-c" + i);
            seqs.add(audit.append(entry, List.of()).seq());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Reconciliation>> passes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                passes.add(() -> outbox.reconcile(audit, 1, 100));
            }
            int total = 0;
            for (Future<Reconciliation> f : pool.invokeAll(passes)) {
                total += f.get().totalRowsWritten();
            }
            assertThat(total).isEqualTo(40);
        } finally {
            pool.shutdownNow();
        }
        for (long seq : seqs) {
            assertThat(outbox.rows(seq)).hasSize(2);
        }
    }

    @Test
    void theReconciler_readsOnFromWhereItStopped_andReportsEachRun() {
        long first = audit.append(Disclosures.police("req-s1"), List.of()).seq();
        List<Reconciliation> reported = new ArrayList<>();
        OutboxReconciler reconciler = new OutboxReconciler(outbox, audit, 2, 10, reported::add);

        Reconciliation run1 = reconciler.runOnce();
        long second = audit.append(Disclosures.police("req-s2"), List.of()).seq();
        Reconciliation run2 = reconciler.runOnce();
        Reconciliation run3 = reconciler.runOnce();

        assertThat(run1.repairedSeqs()).containsExactly(first);
        assertThat(run1.totalRowsWritten()).isEqualTo(2);
        assertThat(run2.fromSeq()).isEqualTo(first + 1);
        assertThat(run2.repairedSeqs()).containsExactly(second);
        assertThat(run3.entriesChecked()).isZero();
        assertThat(reconciler.last()).contains(run3);
        assertThat(reported).as("onRun is for the scheduled runs only").isEmpty();
    }

    @Test
    void oneRun_readsSeveralBatches_upToItsLimit() {
        for (int i = 0; i < 5; i++) {
            audit.append(Disclosures.police("req-b" + i), List.of());
        }
        OutboxReconciler reconciler = new OutboxReconciler(outbox, audit, 2, 2, run -> { });

        Reconciliation run1 = reconciler.runOnce();
        Reconciliation run2 = reconciler.runOnce();

        assertThat(run1.entriesChecked()).isEqualTo(4);
        assertThat(run1.totalRowsWritten()).isEqualTo(8);
        assertThat(run2.entriesChecked()).isEqualTo(1);
        assertThat(run2.totalRowsWritten()).isEqualTo(2);
    }

    @Test
    void aPassReadsAtMostTheLimit_andSaysWhereToGoOn() {
        long first = disclose("req-p1");
        long second = disclose("req-p2");

        Reconciliation pass = outbox.reconcile(audit, first, 1);
        Reconciliation rest = outbox.reconcile(audit, pass.nextSeq(), 10);
        Reconciliation none = outbox.reconcile(audit, rest.nextSeq(), 10);

        assertThat(pass.entriesChecked()).isEqualTo(1);
        assertThat(pass.nextSeq()).isEqualTo(second);
        assertThat(rest.entriesChecked()).isEqualTo(1);
        assertThat(none.entriesChecked()).isZero();
        assertThat(none.nextSeq()).isEqualTo(rest.nextSeq());
    }
}

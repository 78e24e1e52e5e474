package org.disclosureguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.disclosureguard.database.GuardDatabase;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every database under the audit store must meet: appending, reading, same-transaction writes, and a
 * verifier that names each kind of tampering at the right seq. Subclasses supply a fresh, empty database per test.
 */
abstract class AuditStoreContract {

    static final AuditSigningKey KEY = new AuditSigningKey(new Ed25519PrivateKeyParameters(new byte[32], 0));
    static final AuditSigningKey OTHER_KEY = new AuditSigningKey(new Ed25519PrivateKeyParameters(fill(7), 0));
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    DataSource dataSource;
    JdbcAuditStore store;
    Checkpointer checkpointer;

    /** A fresh, empty database for one test. */
    abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void migrate() throws Exception {
        dataSource = freshDatabase();
        assertThat(GuardDatabase.migrate(dataSource)).isNotBlank();
        store = new JdbcAuditStore(dataSource);
        checkpointer = new Checkpointer(dataSource, KEY, CLOCK);
    }

    // ---- appending and reading -------------------------------------------------------------------------------

    @Test
    void append_givesGapFreeSeqsAndChainsTheHashes() {
        Random random = new Random(1);
        AppendResult first = store.append(AuditEntries.entry(0, random));
        AppendResult second = store.append(AuditEntries.entry(1, random));
        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        List<StoredEntry> stored = store.entriesFrom(1, 10);
        assertThat(stored).extracting(StoredEntry::seq).containsExactly(1L, 2L);
        assertThat(stored.get(0).prevHash()).isEqualTo(ChainHash.GENESIS);
        assertThat(stored.get(1).prevHash()).isEqualTo(first.hash());
        assertThat(stored.get(1).hash()).isEqualTo(second.hash());
        assertThat(store.head()).isEqualTo(new ChainHead(2, second.hash()));
    }

    @Test
    void read_returnsTheEntryAsAppended_andPagesBySeq() {
        List<AuditEntry> entries = AuditEntries.entries(0, 25, new Random(2));
        entries.forEach(store::append);
        assertThat(store.entriesFrom(1, 100)).extracting(StoredEntry::entry).containsExactlyElementsOf(entries);
        List<StoredEntry> page = store.entriesFrom(11, 10);
        assertThat(page).extracting(StoredEntry::seq).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L,
                20L);
        assertThat(store.entriesFrom(26, 10)).isEmpty();
        assertThatThrownBy(() -> store.entriesFrom(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forPatient_findsExactlyTheEntriesNamingThePatient() {
        List<AuditEntry> entries = AuditEntries.entries(0, 60, new Random(3));
        store.appendBatch(entries);
        for (String patient : List.of("p0", "p7", "p49")) {
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).patients().contains(patient)) {
                    expected.add(i + 1L);
                }
            }
            assertThat(store.forPatient(patient, 1, 1000)).extracting(StoredEntry::seq)
                    .as(patient).containsExactlyElementsOf(expected);
        }
        assertThat(store.forPatient("nobody", 1, 1000)).isEmpty();
    }

    @Test
    void between_isHalfOpenOnEntryTime() {
        store.appendBatch(AuditEntries.entries(0, 30, new Random(4)));
        List<StoredEntry> range = store.between(AuditEntries.T0.plusSeconds(10), AuditEntries.T0.plusSeconds(20), 1,
                100);
        assertThat(range).extracting(StoredEntry::seq).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L,
                20L);
        assertThat(range).allSatisfy(e -> assertThat(e.entry().time())
                .isBetween(AuditEntries.T0.plusSeconds(10), AuditEntries.T0.plusSeconds(19)));
    }

    @Test
    void byRequestId_findsTheEntry() {
        List<AuditEntry> entries = AuditEntries.entries(0, 5, new Random(5));
        store.appendBatch(entries);
        assertThat(store.byRequestId(entries.get(3).requestId())).singleElement()
                .satisfies(e -> assertThat(e.seq()).isEqualTo(4))
                .satisfies(e -> assertThat(e.entry()).isEqualTo(entries.get(3)));
        assertThat(store.byRequestId("no-such-request")).isEmpty();
    }

    @Test
    void sameTransactionWrites_commitWithTheEntry() throws SQLException {
        createOutbox();
        AppendResult result = store.append(AuditEntries.example(), List.of(outboxWrite("first"),
                outboxWrite("second")));
        assertThat(outbox()).containsExactly(result.seq() + ":first", result.seq() + ":second");
    }

    @Test
    void failingSameTransactionWrite_rollsBackTheEntryAndEveryWrite() throws SQLException {
        createOutbox();
        AppendResult before = store.append(AuditEntries.entry(0, new Random(6)));
        TransactionalWrite failing = (c, seq) -> {
            throw new SQLException("outbox is full");
        };
        assertThatThrownBy(() -> store.append(AuditEntries.example(), List.of(outboxWrite("lost"), failing)))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageStartingWith("DG-4001")
                .hasMessageContaining("seq 2")
                .hasMessageContaining("outbox is full")
                .hasRootCauseMessage("outbox is full");
        assertThat(outbox()).isEmpty();
        assertThat(store.head()).isEqualTo(new ChainHead(1, before.hash()));
        assertThat(store.entriesFrom(1, 10)).hasSize(1);
        assertThat(store.forPatient("9000000009", 1, 10)).isEmpty();
        AppendResult after = store.append(AuditEntries.example());
        assertThat(after.seq()).isEqualTo(2);
        assertVerifiesWith(2);
    }

    @Test
    void writeThatThrowsUnchecked_alsoRollsBack() throws SQLException {
        createOutbox();
        TransactionalWrite failing = (c, seq) -> {
            throw new IllegalStateException("bug in a write");
        };
        assertThatThrownBy(() -> store.append(AuditEntries.example(), List.of(outboxWrite("lost"), failing)))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("bug in a write");
        assertThat(outbox()).isEmpty();
        assertThat(store.head().seq()).isZero();
    }

    @Test
    void entryThatCannotBeEncoded_isRefusedWithNothingStored() {
        AuditEntry broken = new AuditEntry("r", Instant.EPOCH, "i", "bad\uDC00", "", "", true, "", "", "", "", "",
                "read", "", "", AuditOutcome.PERMIT, "", "", "", 200, List.of("p1"), List.of(), List.of(), List.of(),
                "", "", "");
        assertThatThrownBy(() -> store.append(broken))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageStartingWith("DG-4002");
        assertThat(store.head().seq()).isZero();
    }

    @Test
    void concurrentAppendsFromManyThreads_formOneChain() throws Exception {
        int threads = 4;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                futures.add(pool.submit(() -> {
                    Random random = new Random(base);
                    for (int i = 0; i < each; i++) {
                        store.append(AuditEntries.entry(base + i, random));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertVerifiesWith(threads * each);
    }

    // ---- checkpoints ----------------------------------------------------------------------------------------

    @Test
    void checkpointIfMoved_signsOnlyANewHead() {
        assertThat(checkpointer.checkpointIfMoved()).isEmpty();
        assertThat(Checkpointer.newest(dataSource)).isEmpty();
        store.appendBatch(AuditEntries.entries(0, 3, new Random(8)));
        Checkpoint cp = checkpointer.checkpointIfMoved().orElseThrow();
        assertThat(cp.seq()).isEqualTo(3);
        assertThat(cp.headHash()).isEqualTo(store.head().hash());
        assertThat(cp.keyId()).isEqualTo(KEY.keyId());
        assertThat(cp.time()).isEqualTo(CLOCK.instant());
        assertThat(cp.verifiedBy(KEY.publicKey())).isTrue();
        assertThat(checkpointer.checkpointIfMoved()).isEmpty();
        store.append(AuditEntries.example());
        assertThat(checkpointer.checkpointIfMoved()).map(Checkpoint::seq).contains(4L);
        assertThat(Checkpointer.checkpoints(dataSource)).extracting(Checkpoint::seq).containsExactly(3L, 4L);
        assertThat(Checkpointer.newest(dataSource)).contains(Checkpointer.checkpoints(dataSource).get(1));
        VerificationReport report = verify();
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.lastSignedSeq()).isEqualTo(4);
        assertThat(report.checkpointsChecked()).isEqualTo(2);
    }

    // ---- tampering ------------------------------------------------------------------------------------------

    /** 20 entries with checkpoints at 10 and 20. */
    void chainOf20() {
        store.appendBatch(AuditEntries.entries(0, 10, new Random(9)));
        checkpointer.checkpointIfMoved();
        store.appendBatch(AuditEntries.entries(10, 10, new Random(10)));
        checkpointer.checkpointIfMoved();
        assertVerifiesWith(20);
    }

    @Test
    void untouchedChain_verifies() {
        chainOf20();
        VerificationReport report = verify();
        assertThat(report.entriesChecked()).isEqualTo(20);
        assertThat(report.checkpointsChecked()).isEqualTo(2);
        assertThat(report.lastSignedSeq()).isEqualTo(20);
        assertThat(report.describe()).startsWith("OK: 20 entries and 2 checkpoints checked");
    }

    @Test
    void editedCanonicalByte_isEdited() throws SQLException {
        chainOf20();
        byte[] bytes = canonical(7);
        bytes[bytes.length / 2] ^= 0x01;
        update("UPDATE audit_entry SET canonical = ? WHERE seq = 7", bytes);
        assertOnly(ProblemKind.EDITED, 7);
    }

    @TestFactory
    Stream<DynamicTest> anyChangedByteOrCharacter_isEditedAtItsSeq_seed42() {
        chainOf20();
        Random random = new Random(42);
        return IntStream.range(0, 12).mapToObj(i -> {
            long seq = 1 + random.nextInt(20);
            int column = random.nextInt(3);
            int position = random.nextInt(column == 0 ? 200 : 64);
            String name = "seq " + seq + " " + List.of("canonical", "prev_hash", "entry_hash").get(column)
                    + " at " + position;
            return DynamicTest.dynamicTest(name, () -> {
                if (column == 0) {
                    byte[] original = canonical(seq);
                    byte[] changed = original.clone();
                    changed[position % changed.length] ^= (byte) (1 + random.nextInt(255));
                    update("UPDATE audit_entry SET canonical = ? WHERE seq = ?", changed, seq);
                    assertOnly(ProblemKind.EDITED, seq);
                    update("UPDATE audit_entry SET canonical = ? WHERE seq = ?", original, seq);
                } else {
                    String col = column == 1 ? "prev_hash" : "entry_hash";
                    String original = text(col, seq);
                    char c = original.charAt(position);
                    String changed = original.substring(0, position) + (c == '0' ? '1' : '0')
                            + original.substring(position + 1);
                    update("UPDATE audit_entry SET " + col + " = ? WHERE seq = ?", changed, seq);
                    VerificationReport report = verify();
                    assertThat(report.problems()).as(report.describe()).isNotEmpty()
                            .allSatisfy(p -> assertThat(p.kind()).isIn(ProblemKind.EDITED,
                                    ProblemKind.HEAD_MISMATCH))
                            .anySatisfy(p -> assertThat(p.seq()).isEqualTo(seq));
                    update("UPDATE audit_entry SET " + col + " = ? WHERE seq = ?", original, seq);
                }
                assertVerifiesWith(20);
            });
        });
    }

    @Test
    void editedQueryableColumn_isEdited() throws SQLException {
        chainOf20();
        update("UPDATE audit_entry SET requester_id = 'someone-else' WHERE seq = 5");
        assertOnly(ProblemKind.EDITED, 5);
        assertThat(verify().problems().get(0).message()).contains("requester_id");
    }

    @Test
    void editedTimeColumn_isEdited() throws SQLException {
        chainOf20();
        update("UPDATE audit_entry SET entry_time_ms = entry_time_ms + 1 WHERE seq = 12");
        assertOnly(ProblemKind.EDITED, 12);
    }

    @Test
    void editedHashColumn_isEdited() throws SQLException {
        chainOf20();
        update("UPDATE audit_entry SET entry_hash = ? WHERE seq = 3", "f".repeat(64));
        assertOnly(ProblemKind.EDITED, 3);
    }

    @Test
    void hashInUpperCase_isEdited() throws SQLException {
        chainOf20();
        update("UPDATE audit_entry SET prev_hash = UPPER(prev_hash) WHERE seq = 4");
        assertOnly(ProblemKind.EDITED, 4);
    }

    @Test
    void editedPatientIndex_isEdited() throws SQLException {
        chainOf20();
        long seq = 9;
        update("DELETE FROM audit_patient WHERE seq = ?", seq);
        update("INSERT INTO audit_patient (patient_id, seq) VALUES ('decoy', ?)", seq);
        assertOnly(ProblemKind.EDITED, 9);
    }

    @Test
    void editedEntryWithRecomputedHash_isEditedWhereTheLinkBreaks() throws SQLException {
        chainOf20();
        AuditEntry original = store.entriesFrom(6, 1).get(0).entry();
        AuditEntry forged = new AuditEntry(original.requestId(), original.time(), original.instance(),
                "innocent-requester", original.organisation(), original.requesterClass(), original.internal(),
                original.credential(), original.purposeOfUse(), original.legalBasis(), original.caseReference(),
                original.requestingOfficer(), original.interaction(), original.resourceType(), original.target(),
                original.outcome(), original.ruleId(), original.policyVersion(), original.code(), original.status(),
                original.patients(), original.released(), original.withheld(), original.labels(),
                original.responseSha256(), original.reviewCase(), original.reviewer());
        byte[] bytes = CanonicalEncoding.encode(forged);
        String prev = store.entriesFrom(5, 1).get(0).hash();
        update("UPDATE audit_entry SET canonical = ?, requester_id = 'innocent-requester', entry_hash = ? "
                + "WHERE seq = 6", bytes, ChainHash.entryHash(6, prev, bytes));
        assertOnly(ProblemKind.EDITED, 6);
    }

    @Test
    void deletedEntry_isDeleted() throws SQLException {
        chainOf20();
        update("DELETE FROM audit_entry WHERE seq = 8");
        update("DELETE FROM audit_patient WHERE seq = 8");
        assertOnly(ProblemKind.DELETED, 8);
    }

    @Test
    void deletedEntryLeavingItsIndexRows_isStillOneDeletion() throws SQLException {
        chainOf20();
        update("DELETE FROM audit_entry WHERE seq = 8");
        assertOnly(ProblemKind.DELETED, 8);
    }

    @Test
    void deletedEntryWithLaterEntriesRenumbered_isDeleted() throws SQLException {
        chainOf20();
        update("DELETE FROM audit_entry WHERE seq = 14");
        update("DELETE FROM audit_patient WHERE seq = 14");
        for (long s = 15; s <= 20; s++) {
            update("UPDATE audit_entry SET seq = ? WHERE seq = ?", s - 1, s);
            update("UPDATE audit_patient SET seq = ? WHERE seq = ?", s - 1, s);
        }
        update("UPDATE audit_head SET seq = 19 WHERE id = 1");
        VerificationReport report = verify();
        System.out.print(report.describe());
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).first().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.DELETED);
            assertThat(p.seq()).isEqualTo(14);
        });
    }

    @Test
    void insertedEntryWithLaterEntriesRenumbered_isInserted() throws SQLException {
        chainOf20();
        for (long s = 20; s >= 12; s--) {
            update("UPDATE audit_entry SET seq = ? WHERE seq = ?", s + 1, s);
            update("UPDATE audit_patient SET seq = ? WHERE seq = ?", s + 1, s);
        }
        String prev = store.entriesFrom(11, 1).get(0).hash();
        AuditEntry forged = AuditEntries.example();
        byte[] bytes = CanonicalEncoding.encode(forged);
        insertRaw(12, forged, bytes, prev, ChainHash.entryHash(12, prev, bytes));
        update("UPDATE audit_head SET seq = 21 WHERE id = 1");
        VerificationReport report = verify();
        System.out.print(report.describe());
        assertThat(report.problems()).as(report.describe()).first().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.INSERTED);
            assertThat(p.seq()).isEqualTo(12);
        });
        assertThat(report.problems()).extracting(VerificationProblem::kind)
                .doesNotContain(ProblemKind.DELETED, ProblemKind.REORDERED);
    }

    @Test
    void entryWithSeqBelowOne_isInserted() throws SQLException {
        chainOf20();
        byte[] bytes = CanonicalEncoding.encode(AuditEntries.example());
        insertRaw(0, AuditEntries.example(), bytes, ChainHash.GENESIS, ChainHash.entryHash(0, ChainHash.GENESIS,
                bytes));
        assertOnly(ProblemKind.INSERTED, 0);
    }

    @Test
    void entryAddedBeyondTheHead_isInserted() throws SQLException {
        chainOf20();
        String prev = store.head().hash();
        byte[] bytes = CanonicalEncoding.encode(AuditEntries.example());
        insertRaw(21, AuditEntries.example(), bytes, prev, ChainHash.entryHash(21, prev, bytes));
        assertOnly(ProblemKind.INSERTED, 21);
    }

    @Test
    void twoEntriesSwapped_isReordered() throws SQLException {
        chainOf20();
        swap(4, 15);
        assertOnly(ProblemKind.REORDERED, 4);
        assertThat(verify().problems().get(0).message()).contains("4 and 15");
    }

    @Test
    void neighboursSwapped_isReordered() throws SQLException {
        chainOf20();
        swap(6, 7);
        assertOnly(ProblemKind.REORDERED, 6);
    }

    @Test
    void truncatedTail_isTruncatedByTheHeadRow() throws SQLException {
        chainOf20();
        update("DELETE FROM audit_entry WHERE seq > 17");
        update("DELETE FROM audit_patient WHERE seq > 17");
        assertOnly(ProblemKind.TRUNCATED, 18);
    }

    @Test
    void truncatedTailWithHeadRewritten_isTruncatedByTheCheckpoint() throws SQLException {
        chainOf20();
        String hash17 = store.entriesFrom(17, 1).get(0).hash();
        update("DELETE FROM audit_entry WHERE seq > 17");
        update("DELETE FROM audit_patient WHERE seq > 17");
        update("UPDATE audit_head SET seq = 17, entry_hash = ? WHERE id = 1", hash17);
        assertOnly(ProblemKind.TRUNCATED, 18);
        assertThat(verify().problems().get(0).message()).contains("checkpoint");
    }

    @Test
    void truncatedAfterTheNewestCheckpointWithHeadRewritten_isNotDetectable_asDocumented() throws SQLException {
        chainOf20();
        store.appendBatch(AuditEntries.entries(20, 5, new Random(11)));
        String hash22 = store.entriesFrom(22, 1).get(0).hash();
        update("DELETE FROM audit_entry WHERE seq > 22");
        update("DELETE FROM audit_patient WHERE seq > 22");
        update("UPDATE audit_head SET seq = 22, entry_hash = ? WHERE id = 1", hash22);
        VerificationReport report = verify();
        assertThat(report.ok()).isTrue();
        assertThat(report.unsignedEntries()).isEqualTo(2);
    }

    @Test
    void chainRewrittenFromAnEntryOn_isRewrittenAtTheCheckpoint() throws SQLException {
        chainOf20();
        List<StoredEntry> all = store.entriesFrom(1, 100);
        String prev = all.get(3).hash();
        for (StoredEntry e : all.subList(4, all.size())) {
            byte[] bytes = CanonicalEncoding.encode(e.entry());
            if (e.seq() == 5) {
                bytes = CanonicalEncoding.encode(AuditEntries.example());
                update("DELETE FROM audit_patient WHERE seq = 5");
                for (String p : AuditEntries.example().patients()) {
                    update("INSERT INTO audit_patient (patient_id, seq) VALUES (?, 5)", p);
                }
                update("UPDATE audit_entry SET request_id = ?, entry_time_ms = ?, requester_id = ?, outcome = ? "
                        + "WHERE seq = 5", AuditEntries.example().requestId(),
                        AuditEntries.example().time().toEpochMilli(), AuditEntries.example().requesterId(),
                        AuditEntries.example().outcome().code());
            }
            String hash = ChainHash.entryHash(e.seq(), prev, bytes);
            update("UPDATE audit_entry SET canonical = ?, prev_hash = ?, entry_hash = ? WHERE seq = ?", bytes, prev,
                    hash, e.seq());
            prev = hash;
        }
        update("UPDATE audit_head SET entry_hash = ? WHERE id = 1", prev);
        VerificationReport report = verify();
        assertThat(report.problems()).as(report.describe()).extracting(VerificationProblem::kind)
                .containsOnly(ProblemKind.REWRITTEN);
        assertThat(report.problems()).extracting(VerificationProblem::seq).containsExactly(10L, 20L);
    }

    @Test
    void headRowHashEdited_isHeadMismatch() throws SQLException {
        chainOf20();
        update("UPDATE audit_head SET entry_hash = ? WHERE id = 1", "a".repeat(64));
        assertOnly(ProblemKind.HEAD_MISMATCH, 20);
    }

    @Test
    void checkpointWithEditedHash_isForged() throws SQLException {
        chainOf20();
        String hash5 = store.entriesFrom(5, 1).get(0).hash();
        update("UPDATE audit_checkpoint SET head_hash = ? WHERE seq = 10", hash5);
        assertOnly(ProblemKind.FORGED_CHECKPOINT, 10);
    }

    @Test
    void checkpointWithEditedTimeOrSeq_isForged() throws SQLException {
        chainOf20();
        update("UPDATE audit_checkpoint SET checkpoint_time_ms = checkpoint_time_ms - 1000 WHERE seq = 20");
        assertOnly(ProblemKind.FORGED_CHECKPOINT, 20);
        update("UPDATE audit_checkpoint SET seq = 9 WHERE seq = 10");
        assertThat(verify().problems()).extracting(VerificationProblem::kind, VerificationProblem::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ProblemKind.FORGED_CHECKPOINT, 9L),
                        org.assertj.core.groups.Tuple.tuple(ProblemKind.FORGED_CHECKPOINT, 20L));
    }

    @Test
    void checkpointSignedByAnUntrustedKey_isUnknownKey() {
        chainOf20();
        store.append(AuditEntries.example());
        new Checkpointer(dataSource, OTHER_KEY, CLOCK).checkpointIfMoved();
        assertOnly(ProblemKind.UNKNOWN_KEY, 21);
    }

    @Test
    void checkpointWithAnotherTrustedKeyIdButBadSignature_isForged() throws SQLException {
        chainOf20();
        update("UPDATE audit_checkpoint SET key_id = ? WHERE seq = 10", OTHER_KEY.keyId());
        VerificationReport report = new AuditVerifier(dataSource, Map.of(KEY.keyId(), KEY.publicKey(),
                OTHER_KEY.keyId(), OTHER_KEY.publicKey())).verify();
        assertThat(report.problems()).extracting(VerificationProblem::kind, VerificationProblem::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ProblemKind.FORGED_CHECKPOINT, 10L));
    }

    @Test
    void forgedCheckpointFromSomeoneWithoutTheKey_isForged() throws SQLException {
        chainOf20();
        Checkpoint forged = Checkpoint.sign(20, store.head().hash(), CLOCK.instant(), OTHER_KEY);
        update("UPDATE audit_checkpoint SET signature = ? WHERE seq = 20", forged.signature());
        assertOnly(ProblemKind.FORGED_CHECKPOINT, 20);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    VerificationReport verify() {
        return new AuditVerifier(dataSource, Map.of(KEY.keyId(), KEY.publicKey())).verify();
    }

    void assertVerifiesWith(long entries) {
        VerificationReport report = verify();
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.entriesChecked()).isEqualTo(entries);
        assertThat(report.lastSeq()).isEqualTo(entries);
    }

    void assertOnly(ProblemKind kind, long seq) {
        VerificationReport report = verify();
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).as(report.describe())
                .extracting(VerificationProblem::kind, VerificationProblem::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(kind, seq));
    }

    void swap(long a, long b) throws SQLException {
        update("UPDATE audit_entry SET seq = -1 WHERE seq = ?", a);
        update("UPDATE audit_entry SET seq = ? WHERE seq = ?", a, b);
        update("UPDATE audit_entry SET seq = ? WHERE seq = -1", b);
        update("UPDATE audit_patient SET seq = -1 WHERE seq = ?", a);
        update("UPDATE audit_patient SET seq = ? WHERE seq = ?", a, b);
        update("UPDATE audit_patient SET seq = ? WHERE seq = -1", b);
    }

    void insertRaw(long seq, AuditEntry entry, byte[] bytes, String prev, String hash) throws SQLException {
        update("INSERT INTO audit_entry (seq, request_id, entry_time_ms, requester_id, outcome, canonical, prev_hash, "
                + "entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", seq, entry.requestId(), entry.time().toEpochMilli(),
                entry.requesterId(), entry.outcome().code(), bytes, prev, hash);
        for (String p : entry.patients()) {
            update("INSERT INTO audit_patient (patient_id, seq) VALUES (?, ?)", p, seq);
        }
    }

    byte[] canonical(long seq) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT canonical FROM audit_entry WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    String text(String column, long seq) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM audit_entry WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    void update(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    void createOutbox() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE test_outbox (seq BIGINT NOT NULL, note VARCHAR(100) NOT NULL)");
        }
    }

    static TransactionalWrite outboxWrite(String note) {
        return (c, seq) -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO test_outbox (seq, note) VALUES (?, ?)")) {
                s.setLong(1, seq);
                s.setString(2, note);
                s.executeUpdate();
            }
        };
    }

    List<String> outbox() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, note FROM test_outbox ORDER BY note")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }

    private static byte[] fill(int value) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}

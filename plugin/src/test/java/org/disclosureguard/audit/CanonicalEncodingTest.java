package org.disclosureguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class CanonicalEncodingTest {

    /** The worked example in docs/audit-format.md: if this changes, the format changed. */
    static final String EXAMPLE_SEQ1_HASH = "a64aac808ec1cca7adea2311bf93cf229911503df49f7217df8d740a2f5505e9";

    @Test
    void example_hasTheDocumentedBytesAndHash() {
        byte[] bytes = CanonicalEncoding.encode(AuditEntries.example());
        String hex = HexFormat.of().formatHex(bytes);
        String hash = ChainHash.entryHash(1, ChainHash.GENESIS, bytes);
        System.out.println("example canonical (" + bytes.length + " bytes): " + hex);
        System.out.println("example hash at seq 1: " + hash);
        assertThat(hex).startsWith("01" + "00000024" + HexFormat.of().formatHex(
                "5f0c2a4e-0000-4000-8000-000000000001".getBytes()) + String.format("%016x",
                Instant.parse("2026-11-23T09:30:00.123Z").toEpochMilli()));
        assertThat(hash).isEqualTo(EXAMPLE_SEQ1_HASH);
    }

    @Test
    void hash_dependsOnSeqPreviousHashAndEveryByte() {
        byte[] bytes = CanonicalEncoding.encode(AuditEntries.example());
        String base = ChainHash.entryHash(5, ChainHash.GENESIS, bytes);
        assertThat(ChainHash.entryHash(6, ChainHash.GENESIS, bytes)).isNotEqualTo(base);
        assertThat(ChainHash.entryHash(5, "0".repeat(63) + "1", bytes)).isNotEqualTo(base);
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 1;
            assertThat(ChainHash.entryHash(5, ChainHash.GENESIS, changed)).as("byte %d", i).isNotEqualTo(base);
        }
    }

    @TestFactory
    Stream<DynamicTest> roundTrip_seed20261123() {
        Random random = new Random(20261123L);
        return IntStream.range(0, 200).mapToObj(i -> AuditEntries.entry(i, random)).map(entry ->
                DynamicTest.dynamicTest(entry.requestId(), () -> {
                    byte[] bytes = CanonicalEncoding.encode(entry);
                    assertThat(CanonicalEncoding.decode(bytes)).isEqualTo(entry);
                }));
    }

    @TestFactory
    Stream<DynamicTest> decode_rejectsEveryTruncation_seed7() {
        byte[] bytes = CanonicalEncoding.encode(AuditEntries.entry(1, new Random(7)));
        return IntStream.range(0, bytes.length).mapToObj(n -> DynamicTest.dynamicTest("first " + n + " bytes", () ->
                assertThatThrownBy(() -> CanonicalEncoding.decode(Arrays.copyOf(bytes, n)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("canonical entry")));
    }

    @Test
    void decode_rejectsTrailingBytesWrongVersionAndNonCanonicalLists() {
        byte[] bytes = CanonicalEncoding.encode(AuditEntries.example());
        assertThatThrownBy(() -> CanonicalEncoding.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .hasMessageContaining("trailing");
        byte[] v2 = bytes.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> CanonicalEncoding.decode(v2)).hasMessageContaining("version");

        AuditEntry two = new AuditEntry("r", Instant.EPOCH, "i", "q", "", "", true, "", "", "", "", "", "read", "", "",
                AuditOutcome.PERMIT, "", "", "", 200, List.of("a", "b"), List.of(), List.of(), List.of(), "", "", "");
        byte[] sorted = CanonicalEncoding.encode(two);
        String hex = HexFormat.of().formatHex(sorted);
        String swapped = hex.replace("000000016100000001" + "62", "000000016200000001" + "61");
        assertThat(swapped).isNotEqualTo(hex);
        assertThatThrownBy(() -> CanonicalEncoding.decode(HexFormat.of().parseHex(swapped)))
                .hasMessageContaining("not in canonical form");
    }

    @Test
    void encode_refusesTextThatIsNotUnicode() {
        AuditEntry broken = new AuditEntry("r", Instant.EPOCH, "i", "bad\uD800", "", "", true, "", "", "", "", "",
                "read", "", "", AuditOutcome.PERMIT, "", "", "", 200, List.of(), List.of(), List.of(), List.of(), "",
                "", "");
        assertThatThrownBy(() -> CanonicalEncoding.encode(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requesterId");
    }

    @Test
    void decode_rejectsInvalidUtf8() {
        AuditEntry e = new AuditEntry("r", Instant.EPOCH, "i", "ab", "", "", true, "", "", "", "", "", "read", "", "",
                AuditOutcome.PERMIT, "", "", "", 200, List.of(), List.of(), List.of(), List.of(), "", "", "");
        byte[] bytes = CanonicalEncoding.encode(e);
        String hex = HexFormat.of().formatHex(bytes).replace("000000026162", "00000002c0af");
        assertThatThrownBy(() -> CanonicalEncoding.decode(HexFormat.of().parseHex(hex)))
                .hasMessageContaining("requesterId is not valid UTF-8");
    }
}

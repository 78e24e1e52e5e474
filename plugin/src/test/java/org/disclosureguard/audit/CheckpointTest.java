package org.disclosureguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    /** The worked checkpoint example in docs/audit-format.md (Ed25519 is deterministic). */
    @Test
    void example_hasTheDocumentedSignedBytesKeyIdAndSignature() {
        AuditSigningKey key = AuditStoreContract.KEY;
        Instant time = Instant.parse("2026-11-23T12:00:00Z");
        Checkpoint cp = Checkpoint.sign(1, CanonicalEncodingTest.EXAMPLE_SEQ1_HASH, time, key);
        String signed = HexFormat.of().formatHex(Checkpoint.signedBytes(1, cp.headHash(), time, cp.keyId()));
        System.out.println("public key (raw): " + HexFormat.of().formatHex(key.publicKey().raw()));
        System.out.println("key id: " + key.keyId());
        System.out.println("signed bytes: " + signed);
        System.out.println("signature: " + cp.signature());
        assertThat(signed).startsWith(HexFormat.of().formatHex(Checkpoint.TAG.getBytes()) + "0000000000000001"
                + CanonicalEncodingTest.EXAMPLE_SEQ1_HASH);
        assertThat(signed).endsWith("00000010" + HexFormat.of().formatHex(key.keyId().getBytes()));
        assertThat(key.keyId()).isEqualTo(EXAMPLE_KEY_ID);
        assertThat(cp.signature()).isEqualTo(EXAMPLE_SIGNATURE);
        assertThat(cp.verifiedBy(key.publicKey())).isTrue();
    }

    @Test
    void verifiedBy_isFalseForAnyChangedField() {
        AuditSigningKey key = AuditStoreContract.KEY;
        Checkpoint cp = Checkpoint.sign(9, "12".repeat(32), Instant.EPOCH, key);
        assertThat(new Checkpoint(10, cp.headHash(), cp.time(), cp.keyId(), cp.signature()).verifiedBy(
                key.publicKey())).isFalse();
        assertThat(new Checkpoint(9, "13".repeat(32), cp.time(), cp.keyId(), cp.signature()).verifiedBy(
                key.publicKey())).isFalse();
        assertThat(new Checkpoint(9, cp.headHash(), Instant.ofEpochMilli(1), cp.keyId(), cp.signature()).verifiedBy(
                key.publicKey())).isFalse();
        assertThat(new Checkpoint(9, cp.headHash(), cp.time(), cp.keyId(), cp.signature().toUpperCase()).verifiedBy(
                key.publicKey())).isFalse();
        assertThat(new Checkpoint(9, cp.headHash(), cp.time(), cp.keyId(), "zz").verifiedBy(key.publicKey()))
                .isFalse();
        assertThat(cp.verifiedBy(AuditStoreContract.OTHER_KEY.publicKey())).isFalse();
    }

    static final String EXAMPLE_KEY_ID = "139e3940e64b5491";
    static final String EXAMPLE_SIGNATURE =
            "b0432489ca32ad703ca01613480bbe7f77099ba751f09d6876309cc67860572b"
                    + "6ab95210b1972b72715e785ab573a389fa124e95bf6a71717622102f32e5fe0b";
}

package org.disclosureguard.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed statement that the audit chain had {@code seq} entries and that entry {@code seq} had hash
 * {@code headHash}, at {@code time}, by the key {@code keyId}. Immutable.
 *
 * <p>The signature is Ed25519 over {@link #signedBytes}:
 *
 * <pre>
 * "DG-AUDIT-CHECKPOINT-v1" || u64 seq || headHash (32 raw bytes) || i64 time (ms since the epoch)
 *     || u32 length || keyId (ASCII)
 * </pre>
 *
 * @param seq the sequence number of the newest entry covered
 * @param headHash that entry's hash (hex)
 * @param time when the checkpoint was made, to the millisecond
 * @param keyId the id of the signing key
 * @param signature the Ed25519 signature, 128 lower-case hex digits
 */
public record Checkpoint(long seq, String headHash, Instant time, String keyId, String signature) {

    /** The domain separation tag of a checkpoint signature. */
    public static final String TAG = "DG-AUDIT-CHECKPOINT-v1";

    public Checkpoint {
        Objects.requireNonNull(headHash, "headHash");
        time = Instant.ofEpochMilli(Objects.requireNonNull(time, "time").toEpochMilli());
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
    }

    /**
     * Signs the given head.
     *
     * @throws IllegalArgumentException when {@code headHash} is not 64 hex digits
     */
    public static Checkpoint sign(long seq, String headHash, Instant time, AuditSigningKey key) {
        Instant millis = Instant.ofEpochMilli(time.toEpochMilli());
        byte[] signature = key.sign(signedBytes(seq, headHash, millis, key.keyId()));
        return new Checkpoint(seq, headHash, millis, key.keyId(), HexFormat.of().formatHex(signature));
    }

    /**
     * The bytes that are signed.
     *
     * @throws IllegalArgumentException when {@code headHash} is not 64 hex digits
     */
    public static byte[] signedBytes(long seq, String headHash, Instant time, String keyId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(TAG.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(8).putLong(seq).array());
        out.writeBytes(ChainHash.fromHex(headHash));
        out.writeBytes(ByteBuffer.allocate(8).putLong(time.toEpochMilli()).array());
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id.length).array());
        out.writeBytes(id);
        return out.toByteArray();
    }

    /**
     * Whether the signature is valid for this checkpoint's fields under {@code key}. False (never an exception) for
     * a malformed hash or signature.
     */
    public boolean verifiedBy(AuditPublicKey key) {
        if (!signature.chars().allMatch(ch -> ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
            return false;
        }
        try {
            byte[] sig = HexFormat.of().parseHex(signature);
            return key.keyId().equals(keyId) && key.verifies(signedBytes(seq, headHash, time, keyId), sig);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

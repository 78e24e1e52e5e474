package org.disclosureguard.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that links the audit chain (see {@code docs/audit-format.md}, section "Entry hash"):
 *
 * <pre>
 * hash(n) = SHA-256( "DG-AUDIT-ENTRY-v1" || u64 seq(n) || hash(n-1) || canonical(entry n) )
 * </pre>
 *
 * <p>The domain tag is 17 ASCII bytes; {@code seq} is 8 bytes big-endian; {@code hash(n-1)} is the 32 raw bytes of
 * the previous entry's hash, 32 zero bytes for seq 1. Hashes are stored and shown as 64 lower-case hex digits.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChainHash {

    /** The domain separation tag of an entry hash. */
    public static final String ENTRY_TAG = "DG-AUDIT-ENTRY-v1";

    /** The previous hash of the first entry: 32 zero bytes, in hex. */
    public static final String GENESIS = "0".repeat(64);

    private static final byte[] TAG = ENTRY_TAG.getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {
    }

    /**
     * The hash of entry {@code seq}.
     *
     * @param prevHash the previous entry's hash in hex (64 digits)
     * @throws IllegalArgumentException when {@code prevHash} is not 64 hex digits
     */
    public static String entryHash(long seq, String prevHash, byte[] canonical) {
        MessageDigest sha = sha256();
        sha.update(TAG);
        sha.update(ByteBuffer.allocate(8).putLong(seq).array());
        sha.update(fromHex(prevHash));
        sha.update(canonical);
        return HEX.formatHex(sha.digest());
    }

    /** Lower-case hex SHA-256 of bytes. */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256().digest(bytes));
    }

    /**
     * The 32 bytes of a hash given in hex.
     *
     * @throws IllegalArgumentException unless {@code hex} is exactly 64 lower-case hex digits (one spelling per
     *     hash, so that no stored character can change without changing a hash)
     */
    public static byte[] fromHex(String hex) {
        if (hex == null || hex.length() != 64 || !hex.chars().allMatch(ch -> ch >= '0' && ch <= '9'
                || ch >= 'a' && ch <= 'f')) {
            throw new IllegalArgumentException("a hash must be 64 lower-case hex digits, not "
                    + (hex == null ? "null" : "'" + hex + "'"));
        }
        return HEX.parseHex(hex);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}

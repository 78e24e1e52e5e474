package org.disclosureguard.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The bytes of an answer, held as a sequence of pieces so that a large answer is never copied into one array: a
 * search answer is the Bundle's fields up to its entries, the entries as they were written, and the rest. Immutable
 * once made; the pieces are not copied, so whoever makes one must not change them afterwards. Thread-safe.
 */
public final class AnswerBody {

    private final List<Piece> pieces;
    private final long length;

    /** A run of bytes in an array. */
    record Piece(byte[] bytes, int offset, int length) {
        Piece {
            Objects.checkFromIndexSize(offset, length, bytes.length);
        }
    }

    private AnswerBody(List<Piece> pieces) {
        this.pieces = List.copyOf(pieces);
        long total = 0;
        for (Piece piece : this.pieces) {
            total += piece.length();
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("an answer of " + total + " bytes is too large to be written");
        }
        this.length = total;
    }

    /** An answer that is the whole of {@code bytes}. */
    public static AnswerBody of(byte[] bytes) {
        return new AnswerBody(List.of(new Piece(bytes, 0, bytes.length)));
    }

    static AnswerBody of(List<Piece> pieces) {
        return new AnswerBody(pieces);
    }

    /** How many bytes the answer has. */
    public int length() {
        return (int) length;
    }

    /** Writes the answer. */
    public void writeTo(OutputStream out) throws IOException {
        for (Piece piece : pieces) {
            out.write(piece.bytes(), piece.offset(), piece.length());
        }
    }

    /** The answer as one array: the array itself when it is one whole array, otherwise a copy. */
    public byte[] bytes() {
        if (pieces.size() == 1 && pieces.get(0).offset() == 0
                && pieces.get(0).length() == pieces.get(0).bytes().length) {
            return pieces.get(0).bytes();
        }
        byte[] whole = new byte[length()];
        int at = 0;
        for (Piece piece : pieces) {
            System.arraycopy(piece.bytes(), piece.offset(), whole, at, piece.length());
            at += piece.length();
        }
        return whole;
    }

    /** The SHA-256 of the answer's bytes, in lower-case hex. */
    public String sha256() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        for (Piece piece : pieces) {
            digest.update(piece.bytes(), piece.offset(), piece.length());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

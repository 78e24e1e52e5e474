package org.disclosureguard.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical encoding of an {@link AuditEntry}: the bytes that are hashed into the chain and stored beside it.
 * Specified byte by byte in {@code docs/audit-format.md}, section "Canonical encoding"; in short:
 *
 * <pre>
 * entry   = version(0x01) field*27          (fields in the order of the AuditEntry record components)
 * text    = u32 length, UTF-8 bytes         (length in bytes, big-endian; strict UTF-8, no BOM)
 * time    = i64 milliseconds since the epoch (big-endian, two's complement)
 * boolean = one byte, 0x00 or 0x01
 * status  = i32 (big-endian)
 * outcome = text (the outcome code, for example "permit")
 * list    = u32 count, text*count
 * </pre>
 *
 * <p>Why not JSON (RFC 8785)? A length-prefixed field list has one encoding per value by construction: no
 * escaping, no number formatting, no key ordering, no Unicode normalisation question, and a verifier in any language
 * needs fifteen lines and a SHA-256, not a JCS library. {@link #decode} is strict: it accepts only bytes that
 * {@link #encode} would produce (lists sorted where the entry sorts them, no trailing bytes, valid UTF-8), so
 * {@code encode(decode(b))} equals {@code b} for every accepted {@code b}.
 *
 * <p>Stateless and thread-safe.
 */
public final class CanonicalEncoding {

    /** The first byte of every canonical entry: the version of this encoding. */
    public static final int VERSION = 1;

    private static final int MAX_LENGTH = 64 * 1024 * 1024;

    private CanonicalEncoding() {
    }

    /**
     * The canonical bytes of an entry.
     *
     * @throws IllegalArgumentException when a text field is not valid Unicode (an unpaired surrogate), which UTF-8
     *     cannot represent
     */
    public static byte[] encode(AuditEntry entry) {
        Writer w = new Writer();
        w.out.write(VERSION);
        w.text(entry.requestId(), "requestId");
        w.int64(entry.time().toEpochMilli());
        w.text(entry.instance(), "instance");
        w.text(entry.requesterId(), "requesterId");
        w.text(entry.organisation(), "organisation");
        w.text(entry.requesterClass(), "requesterClass");
        w.out.write(entry.internal() ? 1 : 0);
        w.text(entry.credential(), "credential");
        w.text(entry.purposeOfUse(), "purposeOfUse");
        w.text(entry.legalBasis(), "legalBasis");
        w.text(entry.caseReference(), "caseReference");
        w.text(entry.requestingOfficer(), "requestingOfficer");
        w.text(entry.interaction(), "interaction");
        w.text(entry.resourceType(), "resourceType");
        w.text(entry.target(), "target");
        w.text(entry.outcome().code(), "outcome");
        w.text(entry.ruleId(), "ruleId");
        w.text(entry.policyVersion(), "policyVersion");
        w.text(entry.code(), "code");
        w.int32(entry.status());
        w.list(entry.patients(), "patients");
        w.list(entry.released(), "released");
        w.list(entry.withheld(), "withheld");
        w.list(entry.labels(), "labels");
        w.text(entry.responseSha256(), "responseSha256");
        w.text(entry.reviewCase(), "reviewCase");
        w.text(entry.reviewer(), "reviewer");
        return w.out.toByteArray();
    }

    /**
     * The entry encoded by canonical bytes.
     *
     * @throws IllegalArgumentException when the bytes are not exactly the canonical encoding of an entry (wrong
     *     version, truncated, trailing bytes, invalid UTF-8, an invalid field, a list not in canonical order);
     *     the message says where
     */
    public static AuditEntry decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        int version = r.byte1("version");
        if (version != VERSION) {
            throw new IllegalArgumentException("canonical entry: unknown version " + version);
        }
        AuditEntry entry;
        try {
            String requestId = r.text("requestId");
            Instant time = Instant.ofEpochMilli(r.int64("time"));
            String instance = r.text("instance");
            String requesterId = r.text("requesterId");
            String organisation = r.text("organisation");
            String requesterClass = r.text("requesterClass");
            boolean internal = r.bool("internal");
            String credential = r.text("credential");
            String purposeOfUse = r.text("purposeOfUse");
            String legalBasis = r.text("legalBasis");
            String caseReference = r.text("caseReference");
            String requestingOfficer = r.text("requestingOfficer");
            String interaction = r.text("interaction");
            String resourceType = r.text("resourceType");
            String target = r.text("target");
            AuditOutcome outcome = AuditOutcome.fromCode(r.text("outcome"));
            String ruleId = r.text("ruleId");
            String policyVersion = r.text("policyVersion");
            String code = r.text("code");
            int status = r.int32("status");
            List<String> patients = r.list("patients");
            List<String> released = r.list("released");
            List<String> withheld = r.list("withheld");
            List<String> labels = r.list("labels");
            String responseSha256 = r.text("responseSha256");
            String reviewCase = r.text("reviewCase");
            String reviewer = r.text("reviewer");
            r.end();
            entry = new AuditEntry(requestId, time, instance, requesterId, organisation, requesterClass, internal,
                    credential, purposeOfUse, legalBasis, caseReference, requestingOfficer, interaction, resourceType,
                    target, outcome, ruleId, policyVersion, code, status, patients, released, withheld, labels,
                    responseSha256, reviewCase, reviewer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("canonical entry")
                    ? e.getMessage() : "canonical entry: " + e.getMessage(), e);
        }
        if (!java.util.Arrays.equals(encode(entry), bytes)) {
            throw new IllegalArgumentException("canonical entry: not in canonical form (a list out of order or "
                    + "with duplicates)");
        }
        return entry;
    }

    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);

        void int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void text(String s, String field) {
            ByteBuffer bytes;
            try {
                bytes = utf8.reset().encode(CharBuffer.wrap(s));
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("audit entry field " + field + " is not valid Unicode", e);
            }
            int32(bytes.remaining());
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }

        void list(List<String> values, String field) {
            int32(values.size());
            for (String v : values) {
                text(v, field);
            }
        }
    }

    private static final class Reader {
        final ByteBuffer in;
        final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);

        Reader(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes);
        }

        private void need(int n, String field) {
            if (in.remaining() < n) {
                throw new IllegalArgumentException("canonical entry: truncated at " + field + " (offset "
                        + in.position() + ")");
            }
        }

        int byte1(String field) {
            need(1, field);
            return in.get() & 0xff;
        }

        boolean bool(String field) {
            int b = byte1(field);
            if (b > 1) {
                throw new IllegalArgumentException("canonical entry: " + field + " is " + b + ", not 0 or 1");
            }
            return b == 1;
        }

        int int32(String field) {
            need(4, field);
            return in.getInt();
        }

        long int64(String field) {
            need(8, field);
            return in.getLong();
        }

        int length(String field) {
            int n = int32(field);
            if (n < 0 || n > MAX_LENGTH) {
                throw new IllegalArgumentException("canonical entry: " + field + " has an impossible length " + n);
            }
            return n;
        }

        String text(String field) {
            int n = length(field);
            need(n, field);
            ByteBuffer slice = in.slice();
            slice.limit(n);
            in.position(in.position() + n);
            try {
                return utf8.reset().decode(slice).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("canonical entry: " + field + " is not valid UTF-8", e);
            }
        }

        List<String> list(String field) {
            int n = length(field);
            List<String> values = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                values.add(text(field));
            }
            return values;
        }

        void end() {
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("canonical entry: " + in.remaining() + " trailing bytes");
            }
        }
    }
}

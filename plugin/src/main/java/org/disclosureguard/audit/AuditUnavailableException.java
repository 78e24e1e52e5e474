package org.disclosureguard.audit;

/**
 * The audit store could not record (or read) what was asked: the database is unreachable, a statement failed, a
 * same-transaction write failed, or the entry cannot be encoded. Whatever was being appended was rolled back as a
 * whole; nothing was half-written. A caller that was about to release data must not release it (fail closed).
 *
 * <p>The message starts with a stable code: {@code DG-4001} (the store failed; the cause is attached),
 * {@code DG-4002} (the entry cannot be encoded),
 * {@code DG-4003} (a stored entry cannot be read back).
 */
public class AuditUnavailableException extends RuntimeException {

    /** The store, its database or a same-transaction write failed. */
    public static final String STORE_FAILED = "DG-4001";
    /** The entry cannot be put in canonical form. */
    public static final String NOT_ENCODABLE = "DG-4002";
    /** A stored entry cannot be decoded: the chain has been damaged; run {@code audit verify}. */
    public static final String CORRUPT = "DG-4003";

    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.disclosureguard.audit;

/**
 * An audit signing key or key directory cannot be created, read or used. The message starts with the stable code
 * {@code DG-4101} and names the file.
 */
public class AuditKeyException extends RuntimeException {

    /** The code of every key failure. */
    public static final String CODE = "DG-4101";

    private static final long serialVersionUID = 1L;

    public AuditKeyException(String message) {
        super(CODE + ": " + message);
    }

    public AuditKeyException(String message, Throwable cause) {
        super(CODE + ": " + message, cause);
    }
}

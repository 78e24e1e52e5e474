package org.disclosureguard.identity;

/**
 * A partner CA operation could not be done. The message says what to do and is meant for the person running the
 * command; the code is stable (DG-93xx, listed in {@code docs/requesters.md}).
 */
public final class PartnerCaException extends RuntimeException {

    /** The directory already holds a partner CA. */
    public static final String ALREADY_EXISTS = "DG-9301";
    /** The directory holds no partner CA. */
    public static final String NOT_FOUND = "DG-9302";
    /** The serial number was not issued by this CA. */
    public static final String UNKNOWN_SERIAL = "DG-9303";
    /** A certificate for this requester id exists already. */
    public static final String ALREADY_ISSUED = "DG-9304";
    /** An id, organisation, host name or validity is not acceptable. */
    public static final String INVALID_INPUT = "DG-9305";
    /** A file of the CA cannot be read or written. */
    public static final String IO = "DG-9306";

    private final String code;

    public PartnerCaException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public PartnerCaException(String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    /** The stable code, for example {@code DG-9302}. */
    public String code() {
        return code;
    }
}

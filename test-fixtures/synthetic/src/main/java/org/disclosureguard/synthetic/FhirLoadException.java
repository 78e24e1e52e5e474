package org.disclosureguard.synthetic;

/**
 * A FHIR server could not be reached in time, refused a transaction, or answered something that is not
 * FHIR. The message starts with a stable code and says what to do:
 * <ul>
 *   <li>{@code DG-9101} the server did not answer {@code GET [base]/metadata} with 200 in time;</li>
 *   <li>{@code DG-9102} the server refused a transaction (non-2xx); the message carries the status and
 *       the server's OperationOutcome text;</li>
 *   <li>{@code DG-9103} the request could not be sent or was interrupted;</li>
 *   <li>{@code DG-9104} a 2xx answer was not a FHIR Bundle.</li>
 * </ul>
 */
public final class FhirLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final String serverMessage;

    FhirLoadException(String message, int httpStatus, String serverMessage, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.serverMessage = serverMessage;
    }

    /** @return the HTTP status the server answered, or -1 when there was no answer */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * @return the server's explanation (OperationOutcome issue text, or the start of the body), or an
     *     empty string when there was none
     */
    public String serverMessage() {
        return serverMessage == null ? "" : serverMessage;
    }
}

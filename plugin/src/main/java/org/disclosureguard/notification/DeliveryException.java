package org.disclosureguard.notification;

/**
 * A notice could not be delivered on a channel: the receiver was unreachable, timed out, or answered with a refusal.
 * The message says which channel, where, and what went wrong, without any notice content, and is kept in the
 * outbox's {@code last_error}.
 */
public class DeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}

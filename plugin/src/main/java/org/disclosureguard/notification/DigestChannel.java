package org.disclosureguard.notification;

/**
 * A channel that can deliver a daily {@link Digest} (the GP system's FHIR inbox, e-mail): many notices for one
 * recipient in one message. The {@link DigestSender} groups a channel's due notices by {@link #recipientOf} and calls
 * {@link #deliverDigest} once per group; after a failure it calls it again, with the same digest id when the notices
 * are the same: delivery is at least once, and a channel passes {@link Digest#digestId()} on as its idempotency key.
 *
 * <p>Implementations must be thread-safe and must bound every network wait with a timeout shorter than half the
 * sender's claim lease.
 */
public interface DigestChannel {

    /** The channel's stable name, as in the outbox's {@code channel} column ({@link NotificationChannel#name()}). */
    String name();

    /**
     * Whom a notice goes to in a digest: notices with the same value share one digest. Must depend only on the notice.
     *
     * @return a key, never {@code null} (empty for "the practice")
     */
    String recipientOf(Notice notice);

    /**
     * Delivers one digest, returning only when the receiver has accepted it.
     *
     * @throws DeliveryException when it was not accepted (or it is unknown whether it was); the sender retries
     */
    void deliverDigest(Digest digest) throws DeliveryException;
}

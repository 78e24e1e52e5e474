package org.disclosureguard.notification;

/**
 * One way of telling the practice about a disclosure (the GP system's FHIR inbox, a webhook, e-mail). The relay
 * calls {@link #deliver} once per due outbox row, and again after a failure, with the same notice: delivery is at
 * least once, and a channel passes {@link Notice#noticeId()} on as its idempotency key where the receiver can use
 * one.
 *
 * <p>Implementations must be thread-safe (a relay may deliver several rows at once) and must bound every network
 * wait with a timeout shorter than the relay's claim lease.
 */
public interface NotificationChannel {

    /**
     * The channel's stable name, kept in the outbox's {@code channel} column ({@code fhir-inbox}, {@code webhook},
     * {@code email}): at most 32 characters, and never renamed while rows for it may be pending.
     */
    String name();

    /**
     * Delivers one notice, returning only when the receiver has accepted it.
     *
     * @throws DeliveryException when it was not accepted (or it is unknown whether it was); the relay retries
     */
    void deliver(Notice notice) throws DeliveryException;
}

package org.disclosureguard.notification;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One daily digest: every notice due on one channel for one recipient, delivered as one message. Immutable.
 *
 * @param digestId a stable id (UUID) derived from the channel, the recipient and the notice ids: the same on every
 *     attempt with the same notices, so it is the digest's idempotency key (conditional create, {@code Message-ID})
 * @param channel the channel name
 * @param recipient whom the digest is for, as the channel groups notices ({@link DigestChannel#recipientOf}): the
 *     registered clinician's reference for the FHIR inbox, empty for notices with no clinician on record and for
 *     e-mail (the practice's address list)
 * @param sendTime the scheduled send time the digest belongs to
 * @param notices the notices, each once, oldest audit entry first; never empty
 */
public record Digest(String digestId, String channel, String recipient, Instant sendTime, List<Notice> notices) {

    public Digest {
        Objects.requireNonNull(digestId, "digestId");
        Objects.requireNonNull(channel, "channel");
        recipient = recipient == null ? "" : recipient;
        Objects.requireNonNull(sendTime, "sendTime");
        notices = List.copyOf(notices);
        if (notices.isEmpty()) {
            throw new IllegalArgumentException("A digest lists at least one notice");
        }
    }
}

package org.disclosureguard.notification;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A digest channel that groups by clinician and that a test switches down and up; it records every digest it
 * accepted and counts every attempt. The real channels are tested against real peers in their own tests.
 */
final class ScriptedDigestChannel implements DigestChannel {

    private final String name;
    volatile boolean down;
    /** While {@link #down}: the receiver's Retry-After to fail with, or null for none. */
    volatile java.time.Duration retryAfter;
    volatile long delayMillis;
    final List<Digest> accepted = new CopyOnWriteArrayList<>();
    /** Every digest attempted, accepted or not. */
    final List<Digest> tried = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();

    ScriptedDigestChannel(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String recipientOf(Notice notice) {
        return notice.clinicianReference();
    }

    @Override
    public void deliverDigest(Digest digest) throws DeliveryException {
        attempts.incrementAndGet();
        tried.add(digest);
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (down) {
            if (retryAfter != null) {
                throw new DeliveryException(name + ": receiver busy", retryAfter);
            }
            throw new DeliveryException(name + ": receiver down");
        }
        accepted.add(digest);
    }
}

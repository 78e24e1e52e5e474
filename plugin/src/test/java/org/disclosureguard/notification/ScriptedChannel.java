package org.disclosureguard.notification;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel whose availability a relay test switches: while {@link #down} it fails every attempt; it records every
 * notice id it accepted and counts every attempt. The real channels are tested against real peers in their own
 * tests; this one isolates the relay's bookkeeping.
 */
final class ScriptedChannel implements NotificationChannel {

    private final String name;
    volatile boolean down;
    /** While {@link #down}: the receiver's Retry-After to fail with, or null for none. */
    volatile java.time.Duration retryAfter;
    /** While set, every attempt fails as a receiver that is gone (410). */
    volatile boolean gone;
    volatile long delayMillis;
    final List<String> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();

    ScriptedChannel(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(Notice notice) throws DeliveryException {
        attempts.incrementAndGet();
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (gone) {
            throw new ReceiverGoneException(name + ": receiver gone");
        }
        if (down) {
            if (retryAfter != null) {
                throw new DeliveryException(name + ": receiver busy", retryAfter);
            }
            throw new DeliveryException(name + ": receiver down");
        }
        accepted.add(notice.noticeId());
    }
}

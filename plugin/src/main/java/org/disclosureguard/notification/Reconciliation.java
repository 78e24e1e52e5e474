package org.disclosureguard.notification;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The result of one pass of {@link NotificationOutbox#reconcile}: which audit entries were read, which of them lacked
 * outbox rows, and how many rows were written back, per channel. Counts and sequence numbers only, no notice content.
 * Immutable.
 *
 * @param at when the pass ran
 * @param fromSeq the first sequence number asked for
 * @param nextSeq where the next pass should start (one past the last entry read; {@code fromSeq} when none was read)
 * @param entriesChecked how many audit entries were read
 * @param repairedSeqs the sequence numbers of entries for which rows were written, in order
 * @param rowsWritten rows written, by channel (only channels with at least one)
 */
public record Reconciliation(Instant at, long fromSeq, long nextSeq, int entriesChecked, List<Long> repairedSeqs,
                             Map<String, Integer> rowsWritten) {

    public Reconciliation {
        Objects.requireNonNull(at, "at");
        repairedSeqs = List.copyOf(repairedSeqs);
        rowsWritten = Collections.unmodifiableMap(new TreeMap<>(rowsWritten));
    }

    /** All rows written, over every channel. */
    public int totalRowsWritten() {
        return rowsWritten.values().stream().mapToInt(Integer::intValue).sum();
    }
}

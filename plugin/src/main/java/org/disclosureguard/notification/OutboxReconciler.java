package org.disclosureguard.notification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.disclosureguard.audit.JdbcAuditStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link NotificationOutbox#reconcile} periodically over the audit chain, so that a disclosure (or a
 * restricted-record notice) whose outbox rows are missing is notified after all.
 *
 * <p>It keeps a cursor: the first run after start reads the chain from its first entry, in batches of
 * {@code batchSize}, at most {@code maxBatchesPerRun} batches a run (a long chain is read over several runs); later runs
 * go on from where the last stopped, so each entry is read once per start of the instance. Each run's result is handed
 * to {@code onRun} (for metrics and logs) and kept for the staff page ({@link #last()}); a run that wrote rows logs
 * one WARN ({@code DG-6023}), a run that failed one ERROR ({@code DG-6010}) and is tried again at the next interval
 * from the same place.
 *
 * <p>Several instances may run it at once: rows are keyed by notice id and channel, so nothing is written twice.
 * Thread-safe: {@link #runOnce} is synchronized; {@link #last} may be read from any thread.
 */
public final class OutboxReconciler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxReconciler.class);

    private final NotificationOutbox outbox;
    private final JdbcAuditStore audit;
    private final int batchSize;
    private final int maxBatchesPerRun;
    private final Consumer<Reconciliation> onRun;
    private volatile Reconciliation last;
    private long cursor = 1;
    private ScheduledExecutorService timer;

    /**
     * @param outbox the outbox to repair
     * @param audit the audit chain to read
     * @param batchSize audit entries read per batch, positive
     * @param maxBatchesPerRun batches read per run at most, positive
     * @param onRun called with each run's result on the reconciler's thread (should not throw)
     */
    public OutboxReconciler(NotificationOutbox outbox, JdbcAuditStore audit, int batchSize, int maxBatchesPerRun,
                            Consumer<Reconciliation> onRun) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.onRun = Objects.requireNonNull(onRun, "onRun");
        if (batchSize < 1 || maxBatchesPerRun < 1) {
            throw new IllegalArgumentException("batchSize and maxBatchesPerRun must be positive");
        }
        this.batchSize = batchSize;
        this.maxBatchesPerRun = maxBatchesPerRun;
    }

    /**
     * One run: reads on from the cursor until the end of the chain or {@code maxBatchesPerRun} batches, and writes the
     * missing rows.
     *
     * @return what the run read and wrote, as one {@link Reconciliation}
     * @throws IllegalStateException when the database cannot be read or written (the cursor is unchanged)
     */
    public synchronized Reconciliation runOnce() {
        long from = cursor;
        long next = cursor;
        int checked = 0;
        List<Long> repaired = new ArrayList<>();
        Map<String, Integer> written = new TreeMap<>();
        java.time.Instant at = null;
        for (int batch = 0; batch < maxBatchesPerRun; batch++) {
            Reconciliation pass = outbox.reconcile(audit, next, batchSize);
            at = at == null ? pass.at() : at;
            checked += pass.entriesChecked();
            repaired.addAll(pass.repairedSeqs());
            pass.rowsWritten().forEach((channel, n) -> written.merge(channel, n, Integer::sum));
            next = pass.nextSeq();
            if (pass.entriesChecked() < batchSize) {
                break;
            }
        }
        cursor = next;
        Reconciliation run = new Reconciliation(at, from, next, checked, repaired, written);
        last = run;
        if (run.totalRowsWritten() > 0) {
            LOG.warn("DG-6023: notification reconciliation wrote {} missing outbox row(s) {} for audit entries {}",
                    run.totalRowsWritten(), run.rowsWritten(), run.repairedSeqs());
        }
        return run;
    }

    /** The result of the last run that finished, empty before the first. */
    public Optional<Reconciliation> last() {
        return Optional.ofNullable(last);
    }

    /**
     * Runs {@link #runOnce} on a daemon thread now and then every {@code interval}.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized void start(Duration interval) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notification-reconciler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runAndReport, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runAndReport() {
        try {
            onRun.accept(runOnce());
        } catch (RuntimeException e) {
            LOG.error("DG-6010: notification reconciliation failed; it is tried again at the next interval: {}",
                    e.getMessage());
        }
    }

    /** Stops the periodic runs (a run under way finishes). */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdown();
        }
    }
}

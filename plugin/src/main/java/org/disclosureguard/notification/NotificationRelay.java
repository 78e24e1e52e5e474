package org.disclosureguard.notification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notification outbox: claims due rows in batches, hands each to its channel, and records the result.
 *
 * <p><b>Claiming.</b> One short transaction selects, for each channel this relay has, up to {@code batchSize} due
 * rows ({@code status = 'pending'}, {@code next_attempt_ms <= now}, {@code claimed_until_ms <= now}) with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, and sets their {@code claimed_until_ms} to now + lease and
 * {@code claim_token} to a fresh token; the {@code UPDATE} repeats the due conditions, so it is also a
 * compare-and-set. Several guard instances on one PostgreSQL therefore never claim the same row at once, and none
 * waits on another's locks. Nothing is locked while a channel delivers. A claim by an instance that died lapses after
 * the lease and the row is claimed again: no row is lost across restarts. If a delivery outlives the lease, the row
 * may be delivered twice (hence the idempotency key); see below for sizing the lease.
 *
 * <p><b>A channel that is down.</b> After a row fails on a channel, the rest of that channel's rows in the batch
 * are handed back untried (claim released, attempts unchanged), so a dead receiver costs one timeout per batch and
 * the other channels' rows in the batch go ahead. A delivery is started only in the first half of the lease; rows
 * left when it has passed are handed back too. So set the lease to at least twice the longest channel timeout.
 *
 * <p><b>Results.</b> Delivered: status {@code delivered}, time and attempts recorded. Failed: attempts + 1, the
 * message in {@code last_error}, due again after {@link RetryPolicy#delayAfter}; after the policy's last attempt,
 * status {@code failed} (a dead letter), logged once at ERROR. Each result is written only while the claim token
 * still matches, so a relay whose claim lapsed does not overwrite the newer claimant's record.
 *
 * <p><b>Receivers that ask for a pause.</b> A failure that carries the receiver's {@code Retry-After}
 * ({@link DeliveryException#retryAfter()}, from a 429 or 503) counts as an attempt like any other, and the row is due
 * again no earlier than that wait, capped at the policy's {@code maxDelay} (the later of the back-off and the capped
 * wait). The whole channel is paused as long: its {@code not_before_ms} in {@code notification_channel_state} is
 * set, and no instance claims any of its rows before then.
 *
 * <p><b>Receivers that are gone.</b> A {@link ReceiverGoneException} (410 Gone from a webhook receiver) disables the
 * channel in {@code notification_channel_state}: in one transaction the row's attempt is counted and every pending
 * row of the channel becomes {@code disabled} with the reason in {@code last_error}; one ERROR ({@code DG-6022}) is
 * logged by the instance that disabled it. While it is disabled, rows written for it later are moved to
 * {@code disabled} when a relay next claims, and none is attempted, until an operator calls
 * {@link NotificationOutbox#requeueDisabled}. The other channels' rows of the same notices go on as before.
 *
 * <p><b>Metrics.</b> After each result is recorded the relay tells its {@link NotificationMetrics}; an exception
 * from it is logged and ignored.
 *
 * <p><b>Time.</b> Every time is read from the injected {@link Clock}; {@link #runOnce()} does one batch and returns,
 * so tests step time instead of sleeping. {@link #start} polls on a single daemon thread.
 *
 * <p>Thread-safe: {@link #runOnce()} may be called from several threads (each call claims its own rows).
 */
public final class NotificationRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRelay.class);
    private static final int MAX_ERROR = 2000;

    private final DataSource dataSource;
    private final Map<String, NotificationChannel> channels;
    private final RetryPolicy retry;
    private final Clock clock;
    private final RandomGenerator random;
    private final int batchSize;
    private final Duration lease;
    private final String instance;
    private final NotificationMetrics metrics;
    private ScheduledExecutorService poller;

    /**
     * @param dataSource the guard's database (migrated)
     * @param channels the channels this instance delivers; rows for other channels are left pending
     * @param retry the retry policy
     * @param clock the clock for every time written and compared
     * @param random the source of jitter
     * @param batchSize rows claimed per channel per batch, 1 to 1000
     * @param lease how long a claim holds, longer than any channel's timeout
     * @param instance this guard instance's name, kept with its claims for operators
     */
    public NotificationRelay(DataSource dataSource, List<NotificationChannel> channels, RetryPolicy retry, Clock clock,
                             RandomGenerator random, int batchSize, Duration lease, String instance) {
        this(dataSource, channels, retry, clock, random, batchSize, lease, instance, NotificationMetrics.NONE);
    }

    /**
     * A relay that reports what it does to {@code metrics}; the other parameters as in the constructor above.
     *
     * @param metrics told of every delivery, retry, dead letter and disabled channel
     */
    public NotificationRelay(DataSource dataSource, List<NotificationChannel> channels, RetryPolicy retry, Clock clock,
                             RandomGenerator random, int batchSize, Duration lease, String instance,
                             NotificationMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.instance = Objects.requireNonNull(instance, "instance");
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("guard.notification.relay.batch-size must be 1 to 1000");
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("guard.notification.relay.lease must be positive");
        }
        this.batchSize = batchSize;
        Map<String, NotificationChannel> byName = new LinkedHashMap<>();
        for (NotificationChannel channel : channels) {
            if (byName.put(channel.name(), channel) != null) {
                throw new IllegalArgumentException("Two notification channels are named " + channel.name());
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("DG-6008: the relay has no notification channel");
        }
        this.channels = Map.copyOf(byName);
    }

    /**
     * Claims one batch of due rows and delivers them.
     *
     * @return the result of the batch
     * @throws IllegalStateException when the database cannot be reached (nothing is lost; the next run retries)
     */
    public BatchResult runOnce() {
        String token = instance + ":" + UUID.randomUUID();
        long claimedAt = clock.millis();
        List<Claimed> claimed;
        try {
            claimed = claim(token, claimedAt);
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be claimed: " + e.getMessage(), e);
        }
        long startBy = claimedAt + lease.toMillis() / 2;
        java.util.Set<String> failing = new java.util.HashSet<>();
        int delivered = 0;
        int retrying = 0;
        int deadLettered = 0;
        int released = 0;
        int disabled = 0;
        for (Claimed row : claimed) {
            if (failing.contains(row.channel) || clock.millis() >= startBy) {
                // Its channel just failed in this batch, or too little of the lease is left to start a delivery:
                // hand the row back untried; the next poll claims it again.
                if (release(row, token)) {
                    released++;
                }
                continue;
            }
            String error;
            Duration retryAfter = null;
            boolean gone = false;
            try {
                channels.get(row.channel).deliver(NoticeJson.read(row.noticeJson));
                error = null;
            } catch (DeliveryException e) {
                error = e.getMessage();
                retryAfter = e.retryAfter().orElse(null);
                gone = e instanceof ReceiverGoneException;
            } catch (RuntimeException e) {
                error = row.channel + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (error != null) {
                failing.add(row.channel);
            }
            try {
                if (error == null) {
                    if (markDelivered(row, token)) {
                        delivered++;
                        tell(() -> metrics.delivered(row.channel));
                    }
                } else if (gone) {
                    disabled += disable(row, token, error);
                } else {
                    if (retryAfter != null) {
                        pause(row.channel, clock.millis() + capped(retryAfter).toMillis());
                    }
                    if (row.attempts + 1 >= retry.maxAttempts()) {
                        if (markFailed(row, token, error)) {
                            deadLettered++;
                            tell(() -> metrics.failed(row.channel));
                            LOG.error("DG-6020: notice {} (audit entry {}) could not be delivered on channel {} after "
                                    + "{} attempts and is now a dead letter; last error: {}", row.noticeId,
                                    row.auditSeq, row.channel, row.attempts + 1, error);
                        }
                    } else if (markRetry(row, token, error, retryAfter)) {
                        retrying++;
                        tell(() -> metrics.retried(row.channel));
                        LOG.warn("DG-6021: notice {} on channel {} failed (attempt {} of {}); will retry{}: {}",
                                row.noticeId, row.channel, row.attempts + 1, retry.maxAttempts(),
                                retryAfter == null ? "" : " not before " + capped(retryAfter).toSeconds()
                                        + " s (the receiver's Retry-After)", error);
                    }
                }
            } catch (SQLException e) {
                // The claim lapses and the row is tried again: at least once, never lost.
                LOG.warn("DG-6010: the result for notice {} on channel {} could not be recorded: {}", row.noticeId,
                        row.channel, e.getMessage());
            }
        }
        return new BatchResult(claimed.size(), delivered, retrying, deadLettered, released, disabled);
    }

    /**
     * Runs batches until one claims nothing, or a row in it failed or was handed back (the next poll goes on), at
     * most {@code maxBatches}.
     *
     * @return the number of rows claimed over all batches
     */
    public int drain(int maxBatches) {
        int total = 0;
        for (int i = 0; i < maxBatches; i++) {
            BatchResult result = runOnce();
            total += result.claimed();
            if (result.claimed() == 0 || result.released() > 0 || result.retrying() > 0
                    || result.deadLettered() > 0 || result.disabled() > 0) {
                break;
            }
        }
        return total;
    }

    /**
     * Polls every {@code interval} on one daemon thread until {@link #close()}; a failed poll is logged and the next
     * one goes ahead.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized void start(Duration interval) {
        if (poller != null) {
            throw new IllegalStateException("The notification relay is already running");
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notification-relay");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                drain(100);
            } catch (RuntimeException e) {
                LOG.warn("DG-6010: notification relay poll failed: {}", e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops polling, letting a delivery in progress finish for up to 30 s. */
    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdown();
            try {
                poller.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            poller = null;
        }
    }

    private List<Claimed> claim(String token, long now) throws SQLException {
        String due = "status = '" + NotificationOutbox.PENDING + "' AND next_attempt_ms <= ? AND claimed_until_ms <= ?";
        try (Connection c = dataSource.getConnection()) {
            return Transactions.within(c, () -> {
                List<Claimed> claimed = new ArrayList<>();
                Map<String, ChannelStates.State> states = ChannelStates.read(c);
                try (PreparedStatement select = c.prepareStatement("SELECT notice_id, channel, audit_seq, attempts, "
                        + "notice FROM notification_outbox WHERE " + due + " AND channel = ? "
                        + "ORDER BY next_attempt_ms, audit_seq LIMIT ? FOR UPDATE SKIP LOCKED");
                     PreparedStatement update = c.prepareStatement("UPDATE notification_outbox SET "
                             + "claimed_until_ms = ?, claim_token = ? WHERE notice_id = ? AND channel = ? AND "
                             + due)) {
                    // Each channel gets its own share of the batch, so a backlog on one never crowds out another.
                    for (String channel : channels.keySet()) {
                        ChannelStates.State state = states.get(channel);
                        if (state != null && state.disabled()) {
                            // Rows written since the channel was disabled join its disabled rows, untried.
                            holdDisabled(c, channel, state.reason(), now);
                            continue;
                        }
                        if (state != null && state.notBeforeMs() > now) {
                            continue; // The receiver asked for a pause (Retry-After).
                        }
                        List<Claimed> candidates = new ArrayList<>();
                        select.setLong(1, now);
                        select.setLong(2, now);
                        select.setString(3, channel);
                        select.setInt(4, batchSize);
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                candidates.add(new Claimed(rs.getString(1), rs.getString(2), rs.getLong(3),
                                        rs.getInt(4), rs.getString(5)));
                            }
                        }
                        for (Claimed row : candidates) {
                            update.setLong(1, now + lease.toMillis());
                            update.setString(2, token);
                            update.setString(3, row.noticeId);
                            update.setString(4, row.channel);
                            update.setLong(5, now);
                            update.setLong(6, now);
                            if (update.executeUpdate() == 1) {
                                claimed.add(row);
                            }
                        }
                    }
                }
                return claimed;
            });
        }
    }

    private static void holdDisabled(Connection c, String channel, String reason, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET status = '"
                + NotificationOutbox.DISABLED + "', last_error = ? WHERE channel = ? AND status = '"
                + NotificationOutbox.PENDING + "' AND claimed_until_ms <= ?")) {
            s.setString(1, truncate("channel disabled: " + reason));
            s.setString(2, channel);
            s.setLong(3, now);
            s.executeUpdate();
        }
    }

    /** Tells the metrics; a metrics fault is logged and never stops a delivery or its record. */
    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("Notification metrics failed: {}", e.toString());
        }
    }

    /** The receiver's wait, no longer than the policy's cap on the back-off. */
    private Duration capped(Duration retryAfter) {
        return retryAfter.compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : retryAfter;
    }

    private void pause(String channel, long untilMs) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            ChannelStates.pause(c, channel, untilMs, clock.millis(), instance);
        }
    }

    /**
     * Disables the row's channel after its receiver said it is gone: counts the row's attempt, moves every pending
     * row of the channel (claimed by this batch or not) to {@code disabled}, and logs once if this call disabled it.
     *
     * @return the rows moved to {@code disabled}
     */
    private int disable(Claimed row, String token, String error) throws SQLException {
        long now = clock.millis();
        String reason = truncate(error);
        record Disabled(boolean first, int moved) {}
        Disabled done;
        try (Connection c = dataSource.getConnection()) {
            ChannelStates.ensure(c, row.channel, now);
            done = Transactions.within(c, () -> {
                boolean first = ChannelStates.disable(c, row.channel, reason, now, instance);
                try (PreparedStatement attempt = c.prepareStatement("UPDATE notification_outbox SET attempts = ?, "
                        + "last_attempt_ms = ? WHERE notice_id = ? AND channel = ? AND claim_token = ? AND status = '"
                        + NotificationOutbox.PENDING + "'")) {
                    attempt.setInt(1, row.attempts + 1);
                    attempt.setLong(2, now);
                    attempt.setString(3, row.noticeId);
                    attempt.setString(4, row.channel);
                    attempt.setString(5, token);
                    attempt.executeUpdate();
                }
                try (PreparedStatement all = c.prepareStatement("UPDATE notification_outbox SET status = '"
                        + NotificationOutbox.DISABLED + "', last_error = ?, claimed_until_ms = 0, claim_token = NULL "
                        + "WHERE channel = ? AND status = '" + NotificationOutbox.PENDING + "'")) {
                    all.setString(1, reason);
                    all.setString(2, row.channel);
                    return new Disabled(first, all.executeUpdate());
                }
            });
        }
        if (done.first()) {
            tell(() -> metrics.disabled(row.channel));
            LOG.error("DG-6022: the receiver of channel {} answered that it is gone; the channel is disabled "
                    + "and {} pending notices are held as 'disabled' until an operator re-enables it "
                    + "(NotificationOutbox.requeueDisabled(\"{}\")); reason: {}", row.channel, done.moved(),
                    row.channel, reason);
        }
        return done.moved();
    }

    private boolean release(Claimed row, String token) {
        try {
            return update("UPDATE notification_outbox SET claimed_until_ms = 0, claim_token = NULL WHERE notice_id = ? "
                    + "AND channel = ? AND claim_token = ? AND status = '" + NotificationOutbox.PENDING + "'",
                    row.noticeId, row.channel, token);
        } catch (SQLException e) {
            return false; // The claim lapses by itself.
        }
    }

    private boolean markDelivered(Claimed row, String token) throws SQLException {
        long now = clock.millis();
        return update("UPDATE notification_outbox SET status = '" + NotificationOutbox.DELIVERED + "', attempts = ?, "
                + "delivered_ms = ?, last_attempt_ms = ?, last_error = NULL, claimed_until_ms = 0 "
                + "WHERE notice_id = ? AND channel = ? AND claim_token = ? AND status = '" + NotificationOutbox.PENDING
                + "'", row.attempts + 1, now, now, row.noticeId, row.channel, token);
    }

    private boolean markRetry(Claimed row, String token, String error, Duration retryAfter) throws SQLException {
        long now = clock.millis();
        Duration wait = retry.delayAfter(row.attempts + 1, random);
        if (retryAfter != null && capped(retryAfter).compareTo(wait) > 0) {
            wait = capped(retryAfter);
        }
        long next = now + wait.toMillis();
        return update("UPDATE notification_outbox SET attempts = ?, next_attempt_ms = ?, last_attempt_ms = ?, "
                + "last_error = ?, claimed_until_ms = 0 WHERE notice_id = ? AND channel = ? AND claim_token = ? "
                + "AND status = '" + NotificationOutbox.PENDING + "'", row.attempts + 1, next, now, truncate(error),
                row.noticeId, row.channel, token);
    }

    private boolean markFailed(Claimed row, String token, String error) throws SQLException {
        long now = clock.millis();
        return update("UPDATE notification_outbox SET status = '" + NotificationOutbox.FAILED + "', attempts = ?, "
                + "last_attempt_ms = ?, last_error = ?, claimed_until_ms = 0 WHERE notice_id = ? AND channel = ? "
                + "AND claim_token = ? AND status = '" + NotificationOutbox.PENDING + "'", row.attempts + 1, now,
                truncate(error), row.noticeId, row.channel, token);
    }

    private boolean update(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate() == 1;
        }
    }

    private static String truncate(String error) {
        String text = error == null ? "unknown error" : error;
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR);
    }

    private record Claimed(String noticeId, String channel, long auditSeq, int attempts, String noticeJson) {
    }

    /**
     * What one batch did. Immutable.
     *
     * @param claimed rows claimed
     * @param delivered rows delivered
     * @param retrying rows that failed and are due again later
     * @param deadLettered rows that failed for the last time
     * @param released rows handed back untried (their channel failed earlier in the batch, or the lease ran short)
     * @param disabled rows moved to {@code disabled} because their channel's receiver answered that it is gone
     */
    public record BatchResult(int claimed, int delivered, int retrying, int deadLettered, int released,
                              int disabled) {
    }
}

package org.disclosureguard.notification;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one channel's outbox rows as a daily digest instead of one by one: once a day, at its
 * {@link DigestSchedule}, it gathers the channel's due rows, groups them by recipient
 * ({@link DigestChannel#recipientOf}: the registered clinician for the FHIR inbox, the practice's address list for
 * e-mail), delivers one {@link Digest} per recipient, and marks that digest's rows delivered in one transaction.
 *
 * <p><b>Which rows.</b> A pending row of the channel is in a digest when it was written at or before the latest send
 * time ({@code created_ms <= lastSendAtOrBefore(now)}), is due ({@code next_attempt_ms <= now}, so a digest that
 * failed waits out its back-off) and is not claimed by another instance. A row written after today's send time waits
 * for tomorrow's. Nothing is delivered before the send time.
 *
 * <p><b>Several instances.</b> Claiming runs in one short transaction that first locks the channel's row in
 * {@code notification_channel_state} ({@code SELECT ... FOR UPDATE}), so the claims of several guard instances for
 * the same channel run one after another: the first claims every due row (up to {@code maxRows}) with its own token
 * and lease, and the next finds them claimed. So each recipient gets one digest per send time, not one per instance.
 * A claim of an instance that died lapses after the lease and the rows are claimed again. The channel row is also
 * where a receiver's {@code Retry-After} pause is kept: a paused channel is not claimed before the pause ends.
 *
 * <p><b>Results.</b> Delivered: every row of the digest {@code delivered}, in one transaction, only while this claim
 * still holds them. Failed: in one transaction every row of the digest gets one more attempt and the same next
 * attempt time ({@link RetryPolicy#delayAfter} of the group's highest attempt count, or the receiver's
 * {@code Retry-After} capped at the policy's {@code maxDelay} when later), so the rows stay together; a row that
 * reaches the policy's last attempt becomes a dead letter ({@code failed}, one ERROR {@code DG-6020}). The rest of
 * the channel's digests in that run are handed back untried (the receiver is down), as are digests left when half the
 * lease has passed. Nothing is lost: a row is delivered, pending, or a dead letter.
 *
 * <p><b>Not this channel's relay.</b> The {@link NotificationRelay} must not be given a channel that is in digest mode
 * (it would deliver the rows one by one); rows of channels a relay does not have are left to the digest sender.
 *
 * <p><b>Time.</b> Every time comes from the injected {@link Clock}; {@link #runOnce()} does one pass and returns, so
 * tests step time instead of sleeping. {@link #start} polls on one daemon thread.
 *
 * <p>Thread-safe: {@link #runOnce()} may be called from several threads and instances at once.
 */
public final class DigestSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DigestSender.class);
    private static final int MAX_ERROR = 2000;

    private final DataSource dataSource;
    private final DigestChannel channel;
    private final DigestSchedule schedule;
    private final RetryPolicy retry;
    private final Clock clock;
    private final RandomGenerator random;
    private final int maxRows;
    private final Duration lease;
    private final String instance;
    private final NotificationMetrics metrics;
    private ScheduledExecutorService poller;

    /**
     * @param dataSource the guard's database (migrated)
     * @param channel the channel in digest mode
     * @param schedule when its digest is sent
     * @param retry the retry policy (as for the relay)
     * @param clock the clock for every time written and compared
     * @param random the source of jitter
     * @param maxRows the most rows claimed in one pass, 1 to 100000 (a larger backlog is sent in several passes, and
     *     a recipient whose rows straddle the limit gets more than one digest)
     * @param lease how long a claim holds; at least twice the channel's timeout
     * @param instance this guard instance's name, kept with its claims
     * @param metrics told of every row delivered, retried or dead-lettered
     */
    public DigestSender(DataSource dataSource, DigestChannel channel, DigestSchedule schedule, RetryPolicy retry,
                        Clock clock, RandomGenerator random, int maxRows, Duration lease, String instance,
                        NotificationMetrics metrics) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (maxRows < 1 || maxRows > 100_000) {
            throw new IllegalArgumentException("The digest's maximum rows per pass must be 1 to 100000");
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("guard.notification.relay.lease must be positive");
        }
        this.maxRows = maxRows;
    }

    /** The channel this sender delivers. */
    public String channel() {
        return channel.name();
    }

    /**
     * Claims the channel's due rows, if the send time has come, and delivers one digest per recipient.
     *
     * @return what the pass did
     * @throws IllegalStateException when the database cannot be reached (nothing is lost; the next pass retries)
     */
    public DigestResult runOnce() {
        String token = instance + ":" + UUID.randomUUID();
        long claimedAt = clock.millis();
        Instant sendTime = schedule.lastSendAtOrBefore(Instant.ofEpochMilli(claimedAt));
        List<Claimed> claimed;
        try {
            claimed = claim(token, claimedAt, sendTime.toEpochMilli());
        } catch (SQLException e) {
            throw new IllegalStateException("DG-6010: the notification outbox cannot be claimed for the "
                    + channel.name() + " digest: " + e.getMessage(), e);
        }
        Map<String, List<Claimed>> byRecipient = new LinkedHashMap<>();
        for (Claimed row : claimed) {
            byRecipient.computeIfAbsent(channel.recipientOf(row.notice), k -> new ArrayList<>()).add(row);
        }
        long startBy = claimedAt + lease.toMillis() / 2;
        boolean failing = false;
        int digests = 0;
        int delivered = 0;
        int retrying = 0;
        int deadLettered = 0;
        int released = 0;
        for (Map.Entry<String, List<Claimed>> group : byRecipient.entrySet()) {
            List<Claimed> rows = group.getValue();
            if (failing || clock.millis() >= startBy) {
                released += release(rows, token);
                continue;
            }
            Digest digest = new Digest(digestId(group.getKey(), rows), channel.name(), group.getKey(), sendTime,
                    rows.stream().map(Claimed::notice).toList());
            String error = null;
            Duration retryAfter = null;
            try {
                channel.deliverDigest(digest);
            } catch (DeliveryException e) {
                error = e.getMessage();
                retryAfter = e.retryAfter().orElse(null);
            } catch (RuntimeException e) {
                error = channel.name() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            try {
                if (error == null) {
                    int marked = markDelivered(rows, token);
                    digests++;
                    delivered += marked;
                    for (int i = 0; i < marked; i++) {
                        tell(() -> metrics.delivered(channel.name()));
                    }
                } else {
                    failing = true;
                    if (retryAfter != null) {
                        try (Connection c = dataSource.getConnection()) {
                            ChannelStates.pause(c, channel.name(), clock.millis() + capped(retryAfter).toMillis(),
                                    clock.millis(), instance);
                        }
                    }
                    int[] counts = markFailed(rows, token, error, retryAfter);
                    retrying += counts[0];
                    deadLettered += counts[1];
                    for (int i = 0; i < counts[0]; i++) {
                        tell(() -> metrics.retried(channel.name()));
                    }
                    for (int i = 0; i < counts[1]; i++) {
                        tell(() -> metrics.failed(channel.name()));
                    }
                    if (counts[1] > 0) {
                        LOG.error("DG-6020: {} notices of the {} digest for '{}' could not be delivered after {} "
                                + "attempts and are now dead letters; last error: {}", counts[1], channel.name(),
                                group.getKey(), retry.maxAttempts(), error);
                    }
                    if (counts[0] > 0) {
                        LOG.warn("DG-6021: the {} digest for '{}' ({} notices) failed; will retry{}: {}",
                                channel.name(), group.getKey(), rows.size(), retryAfter == null ? ""
                                        : " not before " + capped(retryAfter).toSeconds()
                                                + " s (the receiver's Retry-After)", error);
                    }
                }
            } catch (SQLException e) {
                // The claim lapses and the rows are tried again: at least once, never lost.
                LOG.warn("DG-6010: the result of the {} digest for '{}' could not be recorded: {}", channel.name(),
                        group.getKey(), e.getMessage());
            }
        }
        return new DigestResult(claimed.size(), digests, delivered, retrying, deadLettered, released);
    }

    /**
     * Polls every {@code interval} on one daemon thread until {@link #close()}; a failed poll is logged and the next
     * one goes ahead. A poll before the send time, or with nothing due, costs one short transaction.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized void start(Duration interval) {
        if (poller != null) {
            throw new IllegalStateException("The " + channel.name() + " digest sender is already running");
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notification-digest-" + channel.name());
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                for (int i = 0; i < 100; i++) {
                    DigestResult result = runOnce();
                    if (result.claimed() < maxRows || result.released() > 0 || result.retrying() > 0
                            || result.deadLettered() > 0) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("DG-6010: {} digest poll failed: {}", channel.name(), e.getMessage());
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

    /** The digest's id: the same for the same channel, recipient and notices. */
    private String digestId(String recipient, List<Claimed> rows) {
        String ids = rows.stream().map(r -> r.notice.noticeId()).sorted().collect(Collectors.joining(","));
        return UUID.nameUUIDFromBytes(("digest|" + channel.name() + "|" + recipient + "|" + ids)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private List<Claimed> claim(String token, long now, long sendTimeMs) throws SQLException {
        String due = "channel = ? AND status = '" + NotificationOutbox.PENDING + "' AND created_ms <= ? "
                + "AND next_attempt_ms <= ? AND claimed_until_ms <= ?";
        try (Connection c = dataSource.getConnection()) {
            ChannelStates.ensure(c, channel.name(), now);
            return Transactions.within(c, () -> {
                // Serialises the claims of every instance for this channel: one digest per recipient.
                try (PreparedStatement lock = c.prepareStatement("SELECT disabled, not_before_ms FROM "
                        + "notification_channel_state WHERE channel = ? FOR UPDATE")) {
                    lock.setString(1, channel.name());
                    try (ResultSet rs = lock.executeQuery()) {
                        if (!rs.next() || rs.getBoolean(1) || rs.getLong(2) > now) {
                            return List.of();
                        }
                    }
                }
                List<Claimed> candidates = new ArrayList<>();
                try (PreparedStatement select = c.prepareStatement("SELECT notice_id, attempts, notice FROM "
                        + "notification_outbox WHERE " + due + " ORDER BY audit_seq, notice_id LIMIT ?")) {
                    select.setString(1, channel.name());
                    select.setLong(2, sendTimeMs);
                    select.setLong(3, now);
                    select.setLong(4, now);
                    select.setInt(5, maxRows);
                    List<String> unreadable = new ArrayList<>();
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            try {
                                candidates.add(new Claimed(rs.getString(1), rs.getInt(2),
                                        NoticeJson.read(rs.getString(3))));
                            } catch (IllegalArgumentException e) {
                                unreadable.add(rs.getString(1));
                            }
                        }
                    }
                    deadLetterUnreadable(c, unreadable, now);
                }
                List<Claimed> claimed = new ArrayList<>();
                try (PreparedStatement update = c.prepareStatement("UPDATE notification_outbox SET "
                        + "claimed_until_ms = ?, claim_token = ? WHERE notice_id = ? AND " + due)) {
                    for (Claimed row : candidates) {
                        update.setLong(1, now + lease.toMillis());
                        update.setString(2, token);
                        update.setString(3, row.noticeId);
                        update.setString(4, channel.name());
                        update.setLong(5, sendTimeMs);
                        update.setLong(6, now);
                        update.setLong(7, now);
                        if (update.executeUpdate() == 1) {
                            claimed.add(row);
                        }
                    }
                }
                return claimed;
            });
        }
    }

    /** A stored notice that cannot be read can never be delivered: it becomes a dead letter at once. */
    private void deadLetterUnreadable(Connection c, List<String> noticeIds, long now) throws SQLException {
        if (noticeIds.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET status = '"
                + NotificationOutbox.FAILED + "', last_attempt_ms = ?, last_error = 'the stored notice cannot be read' "
                + "WHERE notice_id = ? AND channel = ? AND status = '" + NotificationOutbox.PENDING + "'")) {
            for (String id : noticeIds) {
                s.setLong(1, now);
                s.setString(2, id);
                s.setString(3, channel.name());
                s.executeUpdate();
            }
        }
        LOG.error("DG-6020: {} stored notices on channel {} cannot be read and are now dead letters: {}",
                noticeIds.size(), channel.name(), noticeIds);
    }

    /** Marks the digest's rows delivered in one transaction; returns how many this claim still held. */
    private int markDelivered(List<Claimed> rows, String token) throws SQLException {
        long now = clock.millis();
        return Transactions.run(dataSource, c -> {
            int marked = 0;
            try (PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET status = '"
                    + NotificationOutbox.DELIVERED + "', attempts = ?, delivered_ms = ?, last_attempt_ms = ?, "
                    + "last_error = NULL, claimed_until_ms = 0 WHERE notice_id = ? AND channel = ? AND claim_token = ? "
                    + "AND status = '" + NotificationOutbox.PENDING + "'")) {
                for (Claimed row : rows) {
                    s.setInt(1, row.attempts + 1);
                    s.setLong(2, now);
                    s.setLong(3, now);
                    s.setString(4, row.noticeId);
                    s.setString(5, channel.name());
                    s.setString(6, token);
                    marked += s.executeUpdate();
                }
            }
            return marked;
        });
    }

    /**
     * Records a failed digest in one transaction: every row one more attempt and the same next attempt time; rows at
     * the last attempt become dead letters.
     *
     * @return {retrying, dead-lettered}
     */
    private int[] markFailed(List<Claimed> rows, String token, String error, Duration retryAfter)
            throws SQLException {
        long now = clock.millis();
        int highest = rows.stream().mapToInt(Claimed::attempts).max().orElse(0) + 1;
        Duration wait = retry.delayAfter(highest, random);
        if (retryAfter != null && capped(retryAfter).compareTo(wait) > 0) {
            wait = capped(retryAfter);
        }
        long next = now + wait.toMillis();
        String message = truncate(error);
        return Transactions.run(dataSource, c -> {
            int[] counts = new int[2];
            try (PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET status = ?, attempts = ?, "
                    + "next_attempt_ms = ?, last_attempt_ms = ?, last_error = ?, claimed_until_ms = 0 "
                    + "WHERE notice_id = ? AND channel = ? AND claim_token = ? AND status = '"
                    + NotificationOutbox.PENDING + "'")) {
                for (Claimed row : rows) {
                    boolean dead = row.attempts + 1 >= retry.maxAttempts();
                    s.setString(1, dead ? NotificationOutbox.FAILED : NotificationOutbox.PENDING);
                    s.setInt(2, row.attempts + 1);
                    s.setLong(3, next);
                    s.setLong(4, now);
                    s.setString(5, message);
                    s.setString(6, row.noticeId);
                    s.setString(7, channel.name());
                    s.setString(8, token);
                    if (s.executeUpdate() == 1) {
                        counts[dead ? 1 : 0]++;
                    }
                }
            }
            return counts;
        });
    }

    /** Hands rows back untried (attempts unchanged); returns how many. */
    private int release(List<Claimed> rows, String token) {
        try {
            return Transactions.run(dataSource, c -> {
                int released = 0;
                try (PreparedStatement s = c.prepareStatement("UPDATE notification_outbox SET claimed_until_ms = 0, "
                        + "claim_token = NULL WHERE notice_id = ? AND channel = ? AND claim_token = ? AND status = '"
                        + NotificationOutbox.PENDING + "'")) {
                    for (Claimed row : rows) {
                        s.setString(1, row.noticeId);
                        s.setString(2, channel.name());
                        s.setString(3, token);
                        released += s.executeUpdate();
                    }
                }
                return released;
            });
        } catch (SQLException e) {
            return 0; // The claims lapse by themselves.
        }
    }

    /** The receiver's wait, no longer than the policy's cap on the back-off. */
    private Duration capped(Duration retryAfter) {
        return retryAfter.compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : retryAfter;
    }

    /** Tells the metrics; a metrics fault is logged and never stops a delivery or its record. */
    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("Notification metrics failed: {}", e.toString());
        }
    }

    private static String truncate(String error) {
        String text = error == null ? "unknown error" : error;
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR);
    }

    private record Claimed(String noticeId, int attempts, Notice notice) {
    }

    /**
     * What one pass did. Immutable.
     *
     * @param claimed rows claimed
     * @param digests digests delivered
     * @param delivered rows delivered (in those digests)
     * @param retrying rows of failed digests that are due again later
     * @param deadLettered rows of failed digests that failed for the last time
     * @param released rows handed back untried (an earlier digest failed, or the lease ran short)
     */
    public record DigestResult(int claimed, int digests, int delivered, int retrying, int deadLettered,
                               int released) {
    }
}

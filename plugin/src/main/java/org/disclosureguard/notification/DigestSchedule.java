package org.disclosureguard.notification;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When a channel in daily-digest mode sends its digest: once a day at {@code sendAt} local time in {@code zone}
 * ({@code 07:00 Europe/London} by default). A notice is in the digest of the first send time at or after the moment
 * its outbox row was written. On a day when the clocks change, a send time that does not exist (in the gap) moves
 * forward by the gap, and one that exists twice is the earlier. Immutable and thread-safe.
 *
 * @param sendAt the local time of day the digest is sent
 * @param zone the time zone of {@code sendAt}
 */
public record DigestSchedule(LocalTime sendAt, ZoneId zone) {

    /** The default send time, {@code 07:00}. */
    public static final LocalTime DEFAULT_SEND_AT = LocalTime.of(7, 0);
    /** The default zone, {@code Europe/London}. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/London");

    public DigestSchedule {
        Objects.requireNonNull(sendAt, "sendAt");
        Objects.requireNonNull(zone, "zone");
    }

    /**
     * The schedule from a channel's settings ({@code guard.notification.<channel>.digest}, {@code .digest-time},
     * {@code .digest-zone}).
     *
     * @param channel the channel, for messages ({@code fhir-inbox}, {@code email})
     * @param mode {@code none} (or {@code null}/blank): deliver notices one by one; {@code daily}: a daily digest
     * @param sendAt {@code HH:mm} (or {@code null}/blank for {@code 07:00})
     * @param zone a region id such as {@code Europe/London} (or {@code null}/blank for {@code Europe/London})
     * @return the schedule for {@code daily}, empty for {@code none}
     * @throws IllegalArgumentException when a setting is not one of these (DG-6018)
     */
    public static Optional<DigestSchedule> parse(String channel, String mode, String sendAt, String zone) {
        String m = mode == null || mode.isBlank() ? "none" : mode.strip().toLowerCase(Locale.ROOT);
        if (m.equals("none")) {
            return Optional.empty();
        }
        if (!m.equals("daily")) {
            throw new IllegalArgumentException("DG-6018: guard.notification." + channel + ".digest must be 'none' or "
                    + "'daily', not '" + mode + "'");
        }
        LocalTime time;
        try {
            time = sendAt == null || sendAt.isBlank() ? DEFAULT_SEND_AT : LocalTime.parse(sendAt.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("DG-6018: guard.notification." + channel + ".digest-time must be a "
                    + "time of day as HH:mm (for example 07:00), not '" + sendAt + "'", e);
        }
        ZoneId id;
        try {
            id = zone == null || zone.isBlank() ? DEFAULT_ZONE : ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("DG-6018: guard.notification." + channel + ".digest-zone must be a "
                    + "time-zone id (for example Europe/London), not '" + zone + "'", e);
        }
        return Optional.of(new DigestSchedule(time, id));
    }

    /** The latest send time at or before {@code now}. */
    public Instant lastSendAtOrBefore(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime today = local.toLocalDate().atTime(sendAt).atZone(zone);
        ZonedDateTime last = today.isAfter(local) ? local.toLocalDate().minusDays(1).atTime(sendAt).atZone(zone)
                : today;
        return last.toInstant();
    }

    /** The first send time strictly after {@code now}. */
    public Instant nextSendAfter(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime today = local.toLocalDate().atTime(sendAt).atZone(zone);
        return (today.isAfter(local) ? today
                : local.toLocalDate().plusDays(1).atTime(sendAt).atZone(zone)).toInstant();
    }
}

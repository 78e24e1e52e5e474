package org.disclosureguard.notification;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 section 10.2.3): either a number of seconds or an HTTP-date
 * ({@code Wed, 21 Oct 2015 07:28:00 GMT}). Stateless.
 */
final class RetryAfter {

    /** Longer waits are read as this much; the relay caps them further by its retry policy. */
    static final Duration LONGEST = Duration.ofDays(30);

    private RetryAfter() {
    }

    /**
     * The wait a {@code Retry-After} value asks for.
     *
     * @param value the header value, or {@code null}
     * @param now the time the answer arrived, for an HTTP-date
     * @return the wait (zero for a date in the past, at most {@link #LONGEST}), or empty when the value is missing or
     *     is neither form
     */
    static Optional<Duration> parse(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (text.length() > 9) {
                return Optional.of(LONGEST);
            }
            return Optional.of(min(Duration.ofSeconds(Long.parseLong(text))));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : min(wait));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Whether a status is one whose {@code Retry-After} the channels honour (429 Too Many Requests, 503). */
    static boolean applies(int status) {
        return status == 429 || status == 503;
    }

    private static Duration min(Duration wait) {
        return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
    }
}

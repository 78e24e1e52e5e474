package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading {@code Retry-After}: seconds, an HTTP-date, and what is not either. */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-23T09:30:00Z");

    @ParameterizedTest(name = "''{0}'' is {1} s")
    @CsvSource({
        "0, 0",
        "120, 120",
        "' 7 ', 7",
        "'Mon, 23 Nov 2026 09:35:00 GMT', 300",
        "'Mon, 23 Nov 2026 09:29:00 GMT', 0",
        "'Mon, 30 Nov 2026 09:30:00 GMT', 604800",
        "99999999999999999999, 2592000",
        "'Thu, 23 Nov 2028 09:30:00 GMT', 2592000",
    })
    void parse_readsSecondsOrAnHttpDate(String value, long seconds) {
        assertThat(RetryAfter.parse(value, NOW)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-5", "1.5", "soon", "2026-11-23T09:35:00Z", "Mon, 23 Nov 2026 09:35:00", "12s"})
    void parse_ignoresAnythingElse(String value) {
        assertThat(RetryAfter.parse(value, NOW)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"429, true", "503, true", "500, false", "502, false", "410, false", "200, false"})
    void applies_onlyToTooManyRequestsAndServiceUnavailable(int status, boolean applies) {
        assertThat(RetryAfter.applies(status)).isEqualTo(applies);
    }
}

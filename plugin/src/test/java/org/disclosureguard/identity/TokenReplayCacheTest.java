package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.identity.IdentityFixture.NOW;

import java.time.Duration;
import java.time.Instant;
import org.disclosureguard.identity.TokenReplayCache.Sighting;
import org.junit.jupiter.api.Test;

class TokenReplayCacheTest {

    private final MutableClock clock = new MutableClock(NOW);
    private final Duration skew = Duration.ofSeconds(30);

    @Test
    void tokenId_isFirstOnce_thenAReplayUntilItExpires() {
        TokenReplayCache cache = new TokenReplayCache(10, skew, clock);
        Instant exp = NOW.plus(Duration.ofMinutes(5));

        assertThat(cache.offer("client", "jti-1", exp)).isEqualTo(Sighting.FIRST);
        clock.advance(Duration.ofMinutes(5));
        assertThat(cache.offer("client", "jti-1", exp)).isEqualTo(Sighting.REPLAY);
    }

    @Test
    void tokenId_isForgottenOnceItsExpiryAndTheSkewHavePassed() {
        TokenReplayCache cache = new TokenReplayCache(10, skew, clock);
        Instant exp = NOW.plus(Duration.ofMinutes(5));
        cache.offer("client", "jti-1", exp);

        clock.advance(Duration.ofMinutes(5).plus(skew).plusSeconds(1));

        assertThat(cache.offer("client", "jti-1", exp.plus(Duration.ofMinutes(5)))).isEqualTo(Sighting.FIRST);
    }

    @Test
    void fullCache_refusesNewIds_ratherThanForgettingUnexpiredOnes() {
        TokenReplayCache cache = new TokenReplayCache(3, skew, clock);
        Instant exp = NOW.plus(Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            assertThat(cache.offer("client", "jti-" + i, exp)).isEqualTo(Sighting.FIRST);
        }

        assertThat(cache.offer("client", "jti-new", exp)).isEqualTo(Sighting.FULL);
        assertThat(cache.offer("client", "jti-0", exp)).isEqualTo(Sighting.REPLAY);
    }

    @Test
    void fullCache_acceptsNewIdsAgainOnceOldOnesExpire() {
        TokenReplayCache cache = new TokenReplayCache(2, skew, clock);
        cache.offer("client", "a", NOW.plus(Duration.ofMinutes(1)));
        cache.offer("client", "b", NOW.plus(Duration.ofMinutes(1)));

        clock.advance(Duration.ofMinutes(2));

        assertThat(cache.offer("client", "c", NOW.plus(Duration.ofMinutes(5)))).isEqualTo(Sighting.FIRST);
    }

    @Test
    void sameIdFromTwoIssuers_areDifferentTokens() {
        TokenReplayCache cache = new TokenReplayCache(10, skew, clock);
        Instant exp = NOW.plus(Duration.ofMinutes(5));

        assertThat(cache.offer("one", "jti", exp)).isEqualTo(Sighting.FIRST);
        assertThat(cache.offer("two", "jti", exp)).isEqualTo(Sighting.FIRST);
        assertThat(cache.size()).isEqualTo(2);
    }
}

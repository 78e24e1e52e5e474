package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.disclosureguard.notification.OutboxHealth;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** When the notification outbox is healthy, and what its health component tells (counts only). */
class NotificationHealthIndicatorTest {

    private static final Duration MAX = Duration.ofMinutes(15);

    private static Health health(OutboxHealth counts, Map<String, String> disabled) {
        return new NotificationHealthIndicator(() -> counts, () -> disabled, MAX).health();
    }

    @Test
    void recentPendingNotices_andDeadLetters_areUp_withTheCounts() {
        Health health = health(new OutboxHealth(3, 2, 0, Optional.of(Duration.ofMinutes(14))), Map.of());

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("pending", 3L).containsEntry("failed", 2L)
                .containsEntry("disabled", 0L).containsEntry("oldestPendingSeconds", 840L)
                .containsEntry("maxPendingAgeSeconds", 900L).containsEntry("disabledChannels", List.of())
                .doesNotContainKey("reasons");
    }

    @Test
    void anEmptyOutbox_isUp() {
        Health health = health(new OutboxHealth(0, 0, 0, Optional.empty()), Map.of());

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("oldestPendingSeconds", 0L);
    }

    @Test
    void aPendingNoticeOlderThanTheThreshold_isDown() {
        Health health = health(new OutboxHealth(1, 0, 0, Optional.of(Duration.ofMinutes(16))), Map.of());

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("reasons").toString()).contains("oldest pending notice");
    }

    @Test
    void aDisabledChannel_isDown_andNamesOnlyTheChannel() {
        Health health = health(new OutboxHealth(0, 0, 4, Optional.empty()),
                Map.of("webhook", "webhook: https://hooks.gp.example/dg answered 410 Gone"));

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("disabledChannels", List.of("webhook"))
                .containsEntry("disabled", 4L);
        assertThat(health.getDetails().toString()).doesNotContain("hooks.gp.example");
    }

    @Test
    void rowsHeldByADisabledChannel_areDown_evenBeforeTheChannelStateIsRead() {
        Health health = health(new OutboxHealth(0, 0, 1, Optional.empty()), Map.of());

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void anUnreadableOutbox_isDown_withoutTheDatabaseMessage() {
        Health health = new NotificationHealthIndicator(() -> {
            throw new IllegalStateException("DG-6010: ... jdbc:h2:/secret/path");
        }, Map::of, MAX).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().toString()).contains("DG-6010").doesNotContain("/secret/path");
    }

    @Test
    void theDefaultThreshold_allowsForADailyDigest_andAZeroThresholdIsRefused() {
        assertThat(NotificationHealthIndicator.defaultMaxPendingAge(false)).isEqualTo(Duration.ofMinutes(15));
        assertThat(NotificationHealthIndicator.defaultMaxPendingAge(true)).isEqualTo(Duration.ofHours(26));
        assertThatThrownBy(() -> new NotificationHealthIndicator(() -> null, Map::of, Duration.ZERO))
                .hasMessageContaining("max-pending-age");
    }
}

package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file's {@code tracing:} section: read, defaulted, refused with the line, and reloaded. */
class TracingPolicyTest {

    private static final String RULE = """
              - id: ok
                stage: request
                when: requester.class == 'nhs-provider'
                then: permit
            """;

    private static PolicyEngine compile(String tracing) {
        return PolicyEngine.compile("policy.yaml", (PolicyFixtures.HEADER + RULE + tracing)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static ConfigException failure(String tracing) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> compile(tracing));
        assertThat(e).as("the policy is refused").isNotNull();
        assertThat(e.getMessage()).startsWith("policy.yaml:" + e.line() + ": DG-20");
        return e;
    }

    @Test
    void tracingSection_isRead_withItsThresholdsHoursAndRecipient() {
        TracingThresholds t = compile("""
                tracing:
                  notify: Practitioner/cg-1
                  refusedSearches: {count: 10, windowMinutes: 10}
                  distinctPatients: {count: 50, windowMinutes: 60}
                  samePatient: {requesters: 3, windowMinutes: 1440}
                  outsideHours: {count: 5, windowMinutes: 60}
                  usualHours:
                    - class: police
                      from: '07:00'
                      to: '19:00'
                    - requester: night-desk
                      from: '22:00'
                      to: '06:00'
                """).tracing();

        assertThat(t.enabled()).isTrue();
        assertThat(t.recipient()).isEqualTo("Practitioner/cg-1");
        assertThat(t.refusedSearches()).isEqualTo(new TracingThresholds.Threshold(10, Duration.ofMinutes(10)));
        assertThat(t.samePatient()).isEqualTo(new TracingThresholds.Threshold(3, Duration.ofDays(1)));
        assertThat(t.longestWindow()).isEqualTo(Duration.ofDays(1));
        assertThat(t.usualHoursFor("night-desk", "police").orElseThrow().contains(LocalTime.of(2, 0))).isTrue();
        assertThat(t.usualHoursFor("night-desk", "police").orElseThrow().contains(LocalTime.of(12, 0))).isFalse();
        assertThat(t.usualHoursFor("other", "police").orElseThrow().contains(LocalTime.of(12, 0))).isTrue();
        assertThat(t.usualHoursFor("other", "nhs-provider")).isEmpty();
    }

    @Test
    void noTracingSection_isNoDetection_andAThresholdLeftOutIsOff() {
        assertThat(compile("").tracing()).isEqualTo(TracingThresholds.OFF);
        TracingThresholds t = compile("""
                tracing:
                  refusedSearches: {count: 3, windowMinutes: 5}
                """).tracing();
        assertThat(t.refusedSearches().on()).isTrue();
        assertThat(t.distinctPatients().on()).isFalse();
        assertThat(t.samePatient().on()).isFalse();
    }

    @Test
    void defaultPolicy_watchesForTracing() {
        TracingThresholds t = PolicyEngine.defaults().tracing();
        assertThat(t.refusedSearches().count()).isEqualTo(10);
        assertThat(t.distinctPatients().count()).isEqualTo(50);
        assertThat(t.samePatient().count()).isEqualTo(3);
        assertThat(t.usualHoursFor("any", "immigration-enforcement")).isPresent();
        assertThat(t.usualHoursFor("any", "nhs-provider")).isEmpty();
    }

    @Test
    void unknownField_isRefusedWithItsLine() {
        ConfigException e = failure("""
                tracing:
                  refusedSearches: {count: 3, windowMinutes: 5}
                  bursts: {count: 3, windowMinutes: 5}
                """);
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.getMessage()).contains("DG-2002", "bursts");
    }

    @Test
    void zeroCountOrOverlongWindow_isRefusedWithItsLine() {
        ConfigException zero = failure("""
                tracing:
                  distinctPatients:
                    count: 0
                    windowMinutes: 60
                """);
        assertThat(zero.line()).isEqualTo(12);
        assertThat(zero.getMessage()).contains("DG-2002", "count is a whole number from 1");
        ConfigException week = failure("""
                tracing:
                  distinctPatients: {count: 5, windowMinutes: 20000}
                """);
        assertThat(week.line()).isEqualTo(11);
        assertThat(week.getMessage()).contains("windowMinutes");
    }

    @Test
    void badUsualHours_areRefusedWithTheirLine() {
        ConfigException time = failure("""
                tracing:
                  outsideHours: {count: 1, windowMinutes: 60}
                  usualHours:
                    - class: police
                      from: '7am'
                      to: '19:00'
                """);
        assertThat(time.line()).isEqualTo(14);
        assertThat(time.getMessage()).contains("DG-2002", "HH:MM", "7am");
        ConfigException unknownClass = failure("""
                tracing:
                  usualHours:
                    - class: traffic-wardens
                      from: '07:00'
                      to: '19:00'
                """);
        assertThat(unknownClass.line()).isEqualTo(12);
        assertThat(unknownClass.getMessage()).contains("DG-2005", "traffic-wardens");
        ConfigException twice = failure("""
                tracing:
                  usualHours:
                    - class: police
                      from: '07:00'
                      to: '19:00'
                    - class: police
                      from: '08:00'
                      to: '18:00'
                """);
        assertThat(twice.line()).isEqualTo(15);
        assertThat(twice.getMessage()).contains("given twice");
    }

    @Test
    void recipientThatIsNotAPractitionerReference_isRefused() {
        ConfigException e = failure("""
                tracing:
                  notify: caldicott@example.org
                """);
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.getMessage()).contains("DG-2002", "Practitioner/");
    }

    @Test
    void reload_changesTheThresholds_withoutARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, PolicyFixtures.HEADER + RULE + "tracing:\n  refusedSearches: {count: 10, windowMinutes: 10}\n");
        PolicyStore store = PolicyStore.open(file, Clock.systemUTC());
        assertThat(store.current().tracing().refusedSearches().count()).isEqualTo(10);

        Files.writeString(file, PolicyFixtures.HEADER + RULE + "tracing:\n  refusedSearches: {count: 3, windowMinutes: 5}\n");
        assertThat(store.reload().success()).isTrue();

        assertThat(store.current().tracing().refusedSearches())
                .isEqualTo(new TracingThresholds.Threshold(3, Duration.ofMinutes(5)));
    }
}

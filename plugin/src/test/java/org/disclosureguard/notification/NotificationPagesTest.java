package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The staff notifications page's account of the last reconciliation of the audit trail with the outbox. */
class NotificationPagesTest {

    private static final OutboxHealth HEALTH = new OutboxHealth(1, 0, 0, Optional.of(Duration.ofMinutes(2)));

    private static String page(Optional<Reconciliation> reconciliation) {
        return NotificationPages.page(HEALTH, Map.of(), Map.of(), List.of("fhir-inbox", "email"), "tok",
                reconciliation);
    }

    @Test
    void beforeAnyRun_thePageSaysTheTrailHasNotBeenChecked() {
        assertThat(page(Optional.empty())).contains("<h2>Reconciliation</h2>")
                .contains("has not been checked against the notifications since the guard started");
    }

    @Test
    void aCleanRun_saysNothingWasMissing() {
        Reconciliation run = new Reconciliation(Disclosures.T0, 1, 101, 100, List.of(), Map.of());

        assertThat(page(Optional.of(run))).contains("Last check 23 Nov 2026 09:30: 100 audit entries read (from entry 1)")
                .contains("no notification was missing.").doesNotContain("class=\"alert\">Last check");
    }

    @Test
    void aRunThatWroteRows_isAnAlert_namingTheChannelsAndEntries() {
        Reconciliation run = new Reconciliation(Disclosures.T0, 1, 51, 50, List.of(7L, 9L),
                Map.of("email", 2, "fhir-inbox", 1));

        assertThat(page(Optional.of(run))).contains("<p class=\"alert\">Last check")
                .contains("3 missing notification(s) written again, email: 2, fhir-inbox: 1 (audit entries 7, 9).");
    }

    @Test
    void manyRepairedEntries_areCutAfterTwenty() {
        List<Long> seqs = java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList();
        Reconciliation run = new Reconciliation(Disclosures.T0, 1, 26, 25, seqs, Map.of("email", 25));

        assertThat(page(Optional.of(run))).contains("(audit entries 1, 2, 3").contains("19, 20, ...).")
                .doesNotContain("21, 22");
    }
}

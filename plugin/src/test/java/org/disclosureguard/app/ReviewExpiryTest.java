package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.disclosureguard.review.RequestShape;
import org.disclosureguard.review.ReviewCase;
import org.disclosureguard.review.ReviewCases;
import org.disclosureguard.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

/** Unanswered cases expire in a sweep, each with its audit entry committed with the case's change. */
class ReviewExpiryTest {

    @Test
    void aCasePastItsExpiry_isExpiredOnceWithItsAuditEntry_andADecidedOneIsLeftAlone() throws Exception {
        try (TestDatabases.H2Database database = TestDatabases.freshH2(Path.of("target", "review-expiry"))) {
            GuardDatabase.migrate(database.dataSource());
            JdbcAuditStore audit = new JdbcAuditStore(database.dataSource());
            Clock yesterday = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
            ReviewCases cases = new ReviewCases(database.dataSource(), yesterday, Duration.ofHours(1));
            RequestContext context = new RequestContext(new Requester("home-office", "Immigration Enforcement",
                    "immigration-enforcement", false), "IMMIGENF", "DEPORT-SERIOUS-CRIME", "HO-1", "IO 1",
                    Interaction.READ, "Patient", Map.of());
            Decision escalation = PolicyEngine.defaults().decideRequest(context);
            assertThat(escalation.outcome()).isEqualTo(Outcome.ESCALATE);
            ReviewCase unanswered = cases.open(context, escalation, RequestShape.read("Patient", "p1"), "r1");
            ReviewCase refused = cases.open(context, escalation, RequestShape.read("Patient", "p2"), "r2");
            new ReviewCases(database.dataSource(), yesterday, Duration.ofHours(1)).refuse(refused.id(),
                    org.disclosureguard.review.Reviewer.of("cg", "caldicott-guardian"), "no");
            List<AuditEntry> recorded = new ArrayList<>();
            ReviewConfiguration.ReviewExpiry expiry = new ReviewConfiguration.ReviewExpiry(cases,
                    (entry, patients, alsoWrite) -> {
                        audit.append(entry, alsoWrite);
                        recorded.add(entry);
                    }, "guard-1");

            assertThat(expiry.sweep()).isEqualTo(1);
            assertThat(expiry.sweep()).isZero();

            assertThat(cases.find(unanswered.id()).orElseThrow().state().name()).isEqualTo("EXPIRED");
            assertThat(cases.find(refused.id()).orElseThrow().state().name()).isEqualTo("REFUSED");
            assertThat(recorded).singleElement().satisfies(entry -> {
                assertThat(entry.outcome()).isEqualTo(AuditOutcome.DENY);
                assertThat(entry.code()).isEqualTo("DG-5102");
                assertThat(entry.reviewCase()).isEqualTo(unanswered.id());
                assertThat(entry.patients()).containsExactly("p1");
            });
            assertThat(audit.head().seq()).isEqualTo(1);
        }
    }
}

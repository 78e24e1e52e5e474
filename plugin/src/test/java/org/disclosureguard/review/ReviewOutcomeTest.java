package org.disclosureguard.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.disclosureguard.review.ReviewFixtures.DEFAULT_POLICY;
import static org.disclosureguard.review.ReviewFixtures.FOURTEEN_DAYS;
import static org.disclosureguard.review.ReviewFixtures.LOCIS;
import static org.disclosureguard.review.ReviewFixtures.T0;
import static org.disclosureguard.review.ReviewFixtures.escalation;
import static org.disclosureguard.review.ReviewFixtures.immigrationRead;
import static org.disclosureguard.review.ReviewFixtures.policeSearch;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.ResourceFacts;
import org.junit.jupiter.api.Test;

/** What the requester's poll answers in each state, and the release of an approved case under the default policy. */
class ReviewOutcomeTest {

    static final SecurityLabel NORDSCLCD = new SecurityLabel(Vocabulary.ACT_CODE, "NORDSCLCD");

    static ReviewCase inState(RequestContext context, CaseState state, Set<SecurityLabel> approved) {
        boolean decided = state == CaseState.APPROVED || state == CaseState.REFUSED || state == CaseState.RELEASED;
        return new ReviewCase("AAAAAAAAAAAAAAAAAAAAAAAA", state, 2, T0, T0.plus(FOURTEEN_DAYS), context,
                RequestShape.read("Patient", "9000000009"), Escalation.of(escalation(context), "req-held"),
                decided ? "dr-okafor" : "", decided ? T0.plusSeconds(3600) : null, approved, "",
                state == CaseState.REFUSED ? "Not proportionate to the stated purpose." : "",
                state == CaseState.RELEASED ? "req-release" : "", state == CaseState.RELEASED ? T0.plusSeconds(7200)
                        : null);
    }

    @Test
    void pending_saysHowLongItHasWaited() {
        ReviewCase c = inState(immigrationRead(), CaseState.PENDING, Set.of());
        assertThat(ReviewOutcome.of(c, T0.plus(Duration.ofHours(5)))).isInstanceOfSatisfying(
                ReviewOutcome.Pending.class, p -> assertThat(p.waited()).isEqualTo(Duration.ofHours(5)));
    }

    @Test
    void pendingPastItsExpiry_isExpired_beforeTheSweep() {
        ReviewCase c = inState(immigrationRead(), CaseState.PENDING, Set.of());
        assertThat(ReviewOutcome.of(c, T0.plus(FOURTEEN_DAYS).minusMillis(1))).isInstanceOf(
                ReviewOutcome.Pending.class);
        assertThat(ReviewOutcome.of(c, T0.plus(FOURTEEN_DAYS))).isInstanceOfSatisfying(ReviewOutcome.Expired.class,
                e -> {
                    assertThat(e.error()).isEqualTo(ReviewError.EXPIRED);
                    assertThat(e.reason()).contains("expired").doesNotContain("9000000009");
                });
        assertThat(ReviewOutcome.of(inState(immigrationRead(), CaseState.EXPIRED, Set.of()), T0))
                .isInstanceOf(ReviewOutcome.Expired.class);
    }

    @Test
    void refused_carriesTheReviewersReason() {
        ReviewCase c = inState(immigrationRead(), CaseState.REFUSED, Set.of());
        assertThat(ReviewOutcome.of(c, T0.plus(Duration.ofDays(1)))).isInstanceOfSatisfying(
                ReviewOutcome.Refused.class, r -> {
                    assertThat(r.reason()).isEqualTo("Not proportionate to the stated purpose.");
                    assertThat(r.error().code()).isEqualTo("DG-5101");
                });
    }

    @Test
    void released_isNotReleasedAgain() {
        ReviewCase c = inState(immigrationRead(), CaseState.RELEASED, escalation(immigrationRead()).withheld());
        assertThat(ReviewOutcome.of(c, T0.plus(FOURTEEN_DAYS.plusDays(30)))).isInstanceOfSatisfying(
                ReviewOutcome.Released.class, r -> assertThat(r.error().code()).isEqualTo("DG-5104"));
        assertThatThrownBy(() -> Release.redecide(c, DEFAULT_POLICY)).hasMessageStartingWith("DG-5007");
    }

    @Test
    void approved_underTheSamePolicy_releasesWithTheApprovedLabelsWithheldAndNoOnwardDisclosure() {
        Set<SecurityLabel> approved = new HashSet<>(escalation(immigrationRead()).withheld());
        approved.add(SecurityLabel.parse("IDS"));
        ReviewCase c = inState(immigrationRead(), CaseState.APPROVED, approved);
        ReviewOutcome outcome = ReviewOutcome.of(c, T0.plus(Duration.ofDays(20)));
        assertThat(outcome).isInstanceOf(ReviewOutcome.Approved.class);
        Release release = ((ReviewOutcome.Approved) outcome).release(DEFAULT_POLICY);
        assertThat(release).isInstanceOfSatisfying(Release.Disclose.class, d -> {
            assertThat(d.withheld()).isEqualTo(approved);
            assertThat(d.obligations()).contains(NORDSCLCD);
            assertThat(d.current().ruleId()).isEqualTo("immigration-serious-crime-escalated");
        });
    }

    @Test
    void approved_restrictedRecordAtRelease_alsoWithholdsWhereThePatientCanBeFound() {
        Set<SecurityLabel> proposal = escalation(policeSearch()).withheld();
        assertThat(proposal).doesNotContain(LOCIS);
        ReviewCase c = inState(policeSearch(), CaseState.APPROVED, proposal);
        ResourceFacts restricted = new ResourceFacts("Patient", "9000000009", Confidentiality.R,
                Set.of(LOCIS, SecurityLabel.parse("DEMO")), true);
        Release release = new ReviewOutcome.Approved(c).release(DEFAULT_POLICY, restricted);
        assertThat(release).isInstanceOfSatisfying(Release.Disclose.class,
                d -> assertThat(d.withheld()).containsAll(proposal).contains(LOCIS));
    }

    @Test
    void approved_butTheNewPolicyRefuses_isRefusedWithThePolicysCode() {
        ReviewCase c = inState(immigrationRead(), CaseState.APPROVED, escalation(immigrationRead()).withheld());
        PolicyEngine newer = PolicyEngine.compile("newer.yaml", """
                version: 1
                requesterClasses: [immigration-enforcement]
                purposes: [IMMIGENF]
                legalBases: [DEPORT-SERIOUS-CRIME]
                rules:
                  - id: immigration-refused
                    stage: request
                    when: requester.class == 'immigration-enforcement'
                    then: deny
                    reason: The practice no longer discloses to immigration enforcement.
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(Release.redecide(c, newer)).isInstanceOfSatisfying(Release.Refuse.class, r -> {
            assertThat(r.code()).isEqualTo("DG-2101");
            assertThat(r.reason()).isEqualTo("The practice no longer discloses to immigration enforcement.");
            assertThat(r.current().ruleId()).isEqualTo("immigration-refused");
        });
    }

    @Test
    void onlyAnApprovedCase_canBeCombined() {
        for (CaseState state : new CaseState[] {CaseState.PENDING, CaseState.REFUSED, CaseState.EXPIRED}) {
            ReviewCase c = inState(immigrationRead(), state, Set.of());
            assertThatThrownBy(() -> Release.combine(c, escalation(immigrationRead())))
                    .isInstanceOf(ReviewException.class)
                    .hasMessageStartingWith("DG-5007");
        }
    }
}

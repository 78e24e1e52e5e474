package org.disclosureguard.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.disclosureguard.review.ReviewFixtures.DEMO;
import static org.disclosureguard.review.ReviewFixtures.FOURTEEN_DAYS;
import static org.disclosureguard.review.ReviewFixtures.IDS;
import static org.disclosureguard.review.ReviewFixtures.LOCIS;
import static org.disclosureguard.review.ReviewFixtures.NATIONALITY;
import static org.disclosureguard.review.ReviewFixtures.T0;
import static org.disclosureguard.review.ReviewFixtures.escalation;
import static org.disclosureguard.review.ReviewFixtures.immigrationRead;
import static org.disclosureguard.review.ReviewFixtures.policeSearch;
import static org.disclosureguard.review.ReviewFixtures.safeguardingRead;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every database under {@link ReviewCases} must meet: every transition, its validation, expiry, and
 * two reviewers deciding one case at once. Subclasses supply a fresh, empty database per test.
 */
abstract class ReviewCasesContract {

    static final Reviewer GUARDIAN = Reviewer.of("dr-okafor", "caldicott-guardian");
    static final Reviewer OTHER_GUARDIAN = Reviewer.of("dr-lee", "caldicott-guardian");
    static final Reviewer SECOND_GUARDIAN = Reviewer.of("dr-third", "caldicott-guardian");
    static final Reviewer SAFEGUARDING_LEAD = Reviewer.of("nurse-ahmed", "safeguarding-lead");

    DataSource dataSource;
    ReviewFixtures.MutableClock clock;
    ReviewCases cases;

    /** A fresh, empty database for one test. */
    abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void migrate() throws Exception {
        dataSource = freshDatabase();
        assertThat(Integer.parseInt(GuardDatabase.migrate(dataSource))).isGreaterThanOrEqualTo(2);
        clock = new ReviewFixtures.MutableClock(T0);
        cases = new ReviewCases(dataSource, clock, FOURTEEN_DAYS);
    }

    /** An immigration case needing one approval. */
    ReviewCase openImmigration() {
        return cases.open(immigrationRead(), ReviewFixtures.oneApproval(escalation(immigrationRead())),
                RequestShape.read("Patient", "9000000009"), "req-immigration");
    }

    /** An immigration case as the default policy holds it: two approvals needed. */
    ReviewCase openTwoApprovals() {
        ReviewCase c = cases.open(immigrationRead(), escalation(immigrationRead()), RequestShape.read("Patient",
                "9000000009"), "req-immigration-2");
        assertThat(c.escalation().approvals()).isEqualTo(2);
        return c;
    }

    // ---- two approvals ---------------------------------------------------------------------------------------

    @Test
    void twoApprovals_theFirstWaitsForASecondReviewer_whoMayOnlyNarrow() {
        ReviewCase c = openTwoApprovals();
        Set<SecurityLabel> first = new HashSet<>(c.escalation().proposedWithheld());
        first.add(IDS);
        clock.advance(Duration.ofMinutes(5));
        ReviewCase once = cases.approve(c.id(), GUARDIAN, first, "identity only");

        assertThat(once.state()).isEqualTo(CaseState.AWAITING_SECOND_APPROVAL);
        assertThat(once.first()).hasValueSatisfying(f -> {
            assertThat(f.reviewerId()).isEqualTo(GUARDIAN.id());
            assertThat(f.withheld()).isEqualTo(first);
            assertThat(f.note()).isEqualTo("identity only");
            assertThat(f.at()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        });
        assertThat(once.reviewerId()).isEmpty();
        assertThat(ReviewOutcome.of(once, clock.instant())).isInstanceOf(ReviewOutcome.Pending.class);
        assertThat(cases.pending("caldicott-guardian")).extracting(ReviewCase::id).contains(c.id());

        assertThatThrownBy(() -> cases.approve(c.id(), OTHER_GUARDIAN, c.escalation().proposedWithheld(), ""))
                .isInstanceOf(ReviewException.class).hasMessageStartingWith("DG-5011").hasMessageContaining("IDS");
        Set<SecurityLabel> narrower = new HashSet<>(first);
        narrower.add(DEMO);
        ReviewCase twice = cases.approve(c.id(), OTHER_GUARDIAN, narrower, "agreed, without demographics");

        assertThat(twice.state()).isEqualTo(CaseState.APPROVED);
        assertThat(twice.reviewerId()).isEqualTo(OTHER_GUARDIAN.id());
        assertThat(twice.approvedWithheld()).isEqualTo(narrower);
        assertThat(twice.first().orElseThrow().reviewerId()).isEqualTo(GUARDIAN.id());
        assertThat(cases.find(c.id())).contains(twice);
    }

    @Test
    void twoApprovals_theSamePersonCannotApproveTwice() {
        ReviewCase c = openTwoApprovals();
        cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), "");
        Reviewer sameWithMoreRoles = new Reviewer(GUARDIAN.id(), Set.of("caldicott-guardian", "safeguarding-lead"));

        assertThatThrownBy(() -> cases.approve(c.id(), sameWithMoreRoles, c.escalation().proposedWithheld(), ""))
                .isInstanceOf(ReviewException.class).hasMessageStartingWith("DG-5010")
                .hasMessageContaining(GUARDIAN.id());
        assertThat(cases.find(c.id()).orElseThrow().state()).isEqualTo(CaseState.AWAITING_SECOND_APPROVAL);
    }

    @Test
    void twoApprovals_aRefusalByEitherEndsIt() {
        ReviewCase byFirst = openTwoApprovals();
        cases.approve(byFirst.id(), GUARDIAN, byFirst.escalation().proposedWithheld(), "");
        assertThat(cases.refuse(byFirst.id(), GUARDIAN, "on reflection, not proportionate").state())
                .isEqualTo(CaseState.REFUSED);
        ReviewCase bySecond = openTwoApprovals();
        cases.approve(bySecond.id(), GUARDIAN, bySecond.escalation().proposedWithheld(), "");
        ReviewCase refused = cases.refuse(bySecond.id(), OTHER_GUARDIAN, "no evidence of the conviction");
        assertThat(refused.state()).isEqualTo(CaseState.REFUSED);
        assertThat(refused.reviewerId()).isEqualTo(OTHER_GUARDIAN.id());
        assertThatThrownBy(() -> cases.approve(refused.id(), SECOND_GUARDIAN, refused.escalation()
                .proposedWithheld(), "")).hasMessageStartingWith("DG-5002");
    }

    @Test
    void twoApprovals_anUnfinishedCaseExpires() {
        ReviewCase c = openTwoApprovals();
        cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), "");
        clock.advance(FOURTEEN_DAYS);
        assertThatThrownBy(() -> cases.approve(c.id(), OTHER_GUARDIAN, c.escalation().proposedWithheld(), ""))
                .hasMessageStartingWith("DG-5003");
        assertThat(cases.expire(clock.instant())).isEqualTo(1);
        assertThat(cases.find(c.id()).orElseThrow().state()).isEqualTo(CaseState.EXPIRED);
    }

    // ---- asking the requester --------------------------------------------------------------------------------

    @Test
    void ask_waitsForTheRequestersAnswer_thenTheCaseIsBackInTheList() {
        ReviewCase c = openImmigration();
        ReviewCase asked = cases.ask(c.id(), GUARDIAN, "  Which conviction, and when?  ");

        assertThat(asked.state()).isEqualTo(CaseState.INFORMATION_REQUESTED);
        assertThat(asked.asked()).hasValueSatisfying(q -> {
            assertThat(q.text()).isEqualTo("Which conviction, and when?");
            assertThat(q.askedBy()).isEqualTo(GUARDIAN.id());
            assertThat(q.isAnswered()).isFalse();
        });
        assertThat(((ReviewOutcome.Pending) ReviewOutcome.of(asked, clock.instant())).question())
                .contains("Which conviction, and when?");
        assertThatThrownBy(() -> cases.ask(c.id(), OTHER_GUARDIAN, "another?")).hasMessageStartingWith("DG-5013");
        assertThatThrownBy(() -> cases.answer(c.id(), "someone-else", "x")).hasMessageStartingWith("DG-5001");
        assertThatThrownBy(() -> cases.answer(c.id(), c.context().requester().id(), "  "))
                .hasMessageStartingWith("DG-5015");
        assertThatThrownBy(() -> cases.answer(c.id(), c.context().requester().id(), "x".repeat(4001)))
                .hasMessageStartingWith("DG-5015");

        clock.advance(Duration.ofHours(2));
        ReviewCase answered = cases.answer(c.id(), c.context().requester().id(), "Robbery, Crown Court, 2024.");

        assertThat(answered.state()).isEqualTo(CaseState.PENDING);
        assertThat(answered.asked().orElseThrow().answer()).isEqualTo("Robbery, Crown Court, 2024.");
        assertThat(answered.asked().orElseThrow().answered()).isEqualTo(T0.plus(Duration.ofHours(2)));
        assertThat(((ReviewOutcome.Pending) ReviewOutcome.of(answered, clock.instant())).question()).isEmpty();
        assertThatThrownBy(() -> cases.answer(c.id(), c.context().requester().id(), "again"))
                .hasMessageStartingWith("DG-5014");
        assertThat(cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), "").state())
                .isEqualTo(CaseState.APPROVED);
    }

    @Test
    void ask_afterAFirstApproval_returnsToTheSecondApproval_andKeepsTheFirst() {
        ReviewCase c = openTwoApprovals();
        cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), "");
        cases.ask(c.id(), OTHER_GUARDIAN, "Is the deportation order final?");
        ReviewCase answered = cases.answer(c.id(), c.context().requester().id(), "Yes, since March.");

        assertThat(answered.state()).isEqualTo(CaseState.AWAITING_SECOND_APPROVAL);
        assertThat(answered.first().orElseThrow().reviewerId()).isEqualTo(GUARDIAN.id());
        assertThat(cases.approve(c.id(), OTHER_GUARDIAN, c.escalation().proposedWithheld(), "").state())
                .isEqualTo(CaseState.APPROVED);
    }

    @Test
    void ask_needsAQuestion_andAQuestionedCaseStillExpires() {
        ReviewCase c = openImmigration();
        assertThatThrownBy(() -> cases.ask(c.id(), GUARDIAN, " ")).hasMessageStartingWith("DG-5012");
        assertThatThrownBy(() -> cases.ask(c.id(), SAFEGUARDING_LEAD, "why?")).hasMessageStartingWith("DG-5005");
        cases.ask(c.id(), GUARDIAN, "Which conviction?");
        clock.advance(FOURTEEN_DAYS);
        assertThatThrownBy(() -> cases.answer(c.id(), c.context().requester().id(), "late"))
                .hasMessageStartingWith("DG-5003");
        assertThat(cases.expiring(clock.instant(), 10)).extracting(ReviewCase::id).containsExactly(c.id());
        assertThat(cases.expire(c.id(), clock.instant())).isTrue();
    }

    @Test
    void withdraw_endsAQuestionedCase() {
        ReviewCase c = openImmigration();
        cases.ask(c.id(), GUARDIAN, "Which conviction?");
        assertThat(cases.withdraw(c.id(), c.context().requester().id()).state()).isEqualTo(CaseState.WITHDRAWN);
    }

    // ---- opening and reading ---------------------------------------------------------------------------------

    @Test
    void open_storesTheWholeEscalation_andFindReadsItBackEqual() {
        RequestContext context = policeSearch();
        Decision decision = escalation(context);
        ReviewCase opened = cases.open(context, decision, RequestShape.search("9000000009"), "req-1");

        assertThat(opened.state()).isEqualTo(CaseState.PENDING);
        assertThat(opened.created()).isEqualTo(T0);
        assertThat(opened.expires()).isEqualTo(T0.plus(FOURTEEN_DAYS));
        assertThat(opened.context()).isEqualTo(context);
        assertThat(opened.request()).isEqualTo(new RequestShape("", "9000000009"));
        assertThat(opened.escalation()).isEqualTo(Escalation.of(decision, "req-1"));
        assertThat(opened.escalation().ruleId()).isEqualTo("police-serious-crime-escalated");
        assertThat(opened.escalation().proposedWithheld()).isEqualTo(decision.withheld()).isNotEmpty();
        assertThat(opened.escalation().obligations()).isEqualTo(decision.obligations()).isNotEmpty();
        assertThat(opened.reviewerId()).isEmpty();
        assertThat(opened.decidedAt()).isEmpty();
        assertThat(opened.approvedWithheld()).isEmpty();
        assertThat(cases.find(opened.id())).contains(opened);
    }

    @Test
    void open_givesRandomUrlSafeIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(openImmigration().id());
        }
        assertThat(ids).hasSize(50).allSatisfy(id -> assertThat(id).matches("[A-Za-z0-9_-]{24}"));
    }

    @Test
    void open_keepsHostileParametersAndTextExactly() {
        Requester requester = Requester.external("police-1", "O'Brien & Sons <Ltd> \"Force\"", "police");
        RequestContext context = new RequestContext(requester, "CRIMEPREV", "SERIOUS-CRIME",
                "ref=1&x=%20\nline two ✓", "DS \"Quote\" <script>", Interaction.SEARCH, "Patient",
                Map.of("identifier", List.of("a|b,c", "=&%+ ü"), "name:exact", List.of(""), "_has", List.of()));
        ReviewCase opened = cases.open(context, escalation(policeSearch()), RequestShape.search(""), "req-2");
        ReviewCase found = cases.find(opened.id()).orElseThrow();
        assertThat(found.context()).isEqualTo(context);
        assertThat(found.context().params()).containsEntry("_has", List.of()).containsEntry("name:exact",
                List.of(""));
    }

    @Test
    void open_refusesADecisionThatIsNotAnEscalation() {
        RequestContext context = immigrationRead();
        Decision deny = ReviewFixtures.DEFAULT_POLICY.decideRequest(new RequestContext(context.requester(),
                "IMMIGENF", "IMMIGRATION-ADMIN", "c", "o", Interaction.READ, "Patient", Map.of()));
        assertThatThrownBy(() -> cases.open(context, deny, RequestShape.read("Patient", "1"), "req"))
                .isInstanceOf(ReviewException.class)
                .hasMessageStartingWith("DG-5008")
                .satisfies(e -> assertThat(((ReviewException) e).error()).isEqualTo(ReviewError.INVALID_CASE));
        assertThatThrownBy(() -> cases.open(context, escalation(context), RequestShape.read("Patient", "1"), " "))
                .hasMessageStartingWith("DG-5008");
    }

    @Test
    void open_refusesParametersThatCannotBeStoredExactly() {
        RequestContext context = new RequestContext(ReviewFixtures.POLICE, "CRIMEPREV", "SERIOUS-CRIME", "r", "o",
                Interaction.SEARCH, "Patient", Map.of("identifier", List.of("broken\uD800")));
        assertThatThrownBy(() -> cases.open(context, escalation(policeSearch()), RequestShape.search(""), "req"))
                .hasMessageStartingWith("DG-5008");
        assertThat(cases.pending("caldicott-guardian")).isEmpty();
    }

    @Test
    void find_unknownOrMalformedId_findsNothing() {
        openImmigration();
        assertThat(cases.find("AAAAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
        assertThat(cases.find("x' OR '1'='1")).isEmpty();
        assertThat(cases.find(null)).isEmpty();
    }

    @Test
    void findForRequester_hidesOtherRequestersCases() {
        ReviewCase c = openImmigration();
        assertThat(cases.findForRequester(c.id(), "demo-immigration-enforcement")).contains(c);
        assertThat(cases.findForRequester(c.id(), "demo-police")).isEmpty();
    }

    @Test
    void pending_listsOneRolesLiveCasesOldestFirst() {
        ReviewCase first = openImmigration();
        clock.advance(Duration.ofMinutes(5));
        ReviewCase safeguarding = cases.open(safeguardingRead(), escalation(safeguardingRead()),
                RequestShape.read("Patient", "9000000017"), "req-s");
        clock.advance(Duration.ofMinutes(5));
        ReviewCase second = cases.open(policeSearch(), escalation(policeSearch()), RequestShape.search(""), "req-p");
        clock.advance(Duration.ofMinutes(5));
        ReviewCase decided = openImmigration();
        cases.refuse(decided.id(), GUARDIAN, "not justified");

        assertThat(cases.pending("caldicott-guardian")).extracting(ReviewCase::id)
                .containsExactly(first.id(), second.id());
        assertThat(cases.pending("safeguarding-lead")).extracting(ReviewCase::id).containsExactly(safeguarding.id());
        assertThat(cases.pending("nobody")).isEmpty();

        clock.advance(FOURTEEN_DAYS.minusMinutes(12));
        assertThat(cases.pending("caldicott-guardian")).extracting(ReviewCase::id).containsExactly(second.id());
    }

    // ---- deciding --------------------------------------------------------------------------------------------

    @Test
    void approve_withTheProposalAndMore_recordsTheReviewerAndTheLabels() {
        ReviewCase c = openImmigration();
        Set<SecurityLabel> withheld = new HashSet<>(c.escalation().proposedWithheld());
        withheld.add(IDS);
        clock.advance(Duration.ofHours(3));
        ReviewCase approved = cases.approve(c.id(), GUARDIAN, withheld, "  NHS number not needed  ");

        assertThat(approved.state()).isEqualTo(CaseState.APPROVED);
        assertThat(approved.rowVersion()).isEqualTo(c.rowVersion() + 1);
        assertThat(approved.reviewerId()).isEqualTo("dr-okafor");
        assertThat(approved.decidedAt()).contains(T0.plus(Duration.ofHours(3)));
        assertThat(approved.approvedWithheld()).isEqualTo(withheld).contains(LOCIS, NATIONALITY, IDS);
        assertThat(approved.reviewNote()).isEqualTo("NHS number not needed");
        assertThat(approved.refusalReason()).isEmpty();
        assertThat(cases.find(c.id())).contains(approved);
        assertThat(cases.pending("caldicott-guardian")).isEmpty();
    }

    @Test
    void approve_releasingALabelThePolicyWithholds_isRefusedAndChangesNothing() {
        ReviewCase c = openImmigration();
        Set<SecurityLabel> wider = new HashSet<>(c.escalation().proposedWithheld());
        wider.remove(LOCIS);
        wider.add(DEMO);
        assertThatThrownBy(() -> cases.approve(c.id(), GUARDIAN, wider, ""))
                .isInstanceOf(ReviewException.class)
                .hasMessageStartingWith("DG-5004")
                .hasMessageContaining("[LOCIS]");
        assertThat(cases.find(c.id())).contains(c);
    }

    @Test
    void approve_byTheWrongRole_isRefused() {
        ReviewCase c = openImmigration();
        assertThatThrownBy(() -> cases.approve(c.id(), SAFEGUARDING_LEAD, c.escalation().proposedWithheld(), ""))
                .hasMessageStartingWith("DG-5005")
                .hasMessageContaining("caldicott-guardian");
        assertThatThrownBy(() -> cases.refuse(c.id(), SAFEGUARDING_LEAD, "no"))
                .hasMessageStartingWith("DG-5005");
        assertThat(cases.find(c.id()).orElseThrow().state()).isEqualTo(CaseState.PENDING);
    }

    @Test
    void aDecidedCase_cannotBeDecidedAgain() {
        ReviewCase c = openImmigration();
        cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), null);
        assertThatThrownBy(() -> cases.approve(c.id(), OTHER_GUARDIAN, c.escalation().proposedWithheld(), ""))
                .hasMessageStartingWith("DG-5002")
                .hasMessageContaining("APPROVED by dr-okafor");
        assertThatThrownBy(() -> cases.refuse(c.id(), OTHER_GUARDIAN, "changed my mind"))
                .hasMessageStartingWith("DG-5002");
        ReviewCase r = openImmigration();
        cases.refuse(r.id(), GUARDIAN, "not proportionate");
        assertThatThrownBy(() -> cases.approve(r.id(), GUARDIAN, r.escalation().proposedWithheld(), ""))
                .hasMessageStartingWith("DG-5002");
        assertThat(cases.find(r.id()).orElseThrow().state()).isEqualTo(CaseState.REFUSED);
    }

    @Test
    void refuse_needsAReason_andRecordsIt() {
        ReviewCase c = openImmigration();
        assertThatThrownBy(() -> cases.refuse(c.id(), GUARDIAN, "  ")).hasMessageStartingWith("DG-5006");
        assertThatThrownBy(() -> cases.refuse(c.id(), GUARDIAN, null)).hasMessageStartingWith("DG-5006");
        ReviewCase refused = cases.refuse(c.id(), GUARDIAN, " The claim of a serious conviction is not evidenced. ");
        assertThat(refused.state()).isEqualTo(CaseState.REFUSED);
        assertThat(refused.refusalReason()).isEqualTo("The claim of a serious conviction is not evidenced.");
        assertThat(refused.reviewerId()).isEqualTo("dr-okafor");
        assertThat(refused.approvedWithheld()).isEmpty();
    }

    @Test
    void withdraw_byTheRequester_endsAPendingOrApprovedCase_andOnlyTheRequesterCan() {
        ReviewCase pending = openImmigration();
        String requester = pending.context().requester().id();
        assertThatThrownBy(() -> cases.withdraw(pending.id(), "someone-else")).hasMessageStartingWith("DG-5001");

        ReviewCase withdrawn = cases.withdraw(pending.id(), requester);

        assertThat(withdrawn.state()).isEqualTo(CaseState.WITHDRAWN);
        assertThat(withdrawn.state().isFinal()).isTrue();
        assertThatThrownBy(() -> cases.withdraw(pending.id(), requester)).hasMessageStartingWith("DG-5002");
        assertThatThrownBy(() -> cases.approve(pending.id(), GUARDIAN, pending.escalation().proposedWithheld(), ""))
                .hasMessageStartingWith("DG-5002");
        ReviewCase approved = openImmigration();
        cases.approve(approved.id(), GUARDIAN, approved.escalation().proposedWithheld(), "");
        assertThat(cases.withdraw(approved.id(), requester).state()).isEqualTo(CaseState.WITHDRAWN);
        ReviewCase refused = openImmigration();
        cases.refuse(refused.id(), GUARDIAN, "no");
        assertThatThrownBy(() -> cases.withdraw(refused.id(), requester)).hasMessageStartingWith("DG-5002");
    }

    @Test
    void decidingAnUnknownCase_saysSo() {
        assertThatThrownBy(() -> cases.approve("AAAAAAAAAAAAAAAAAAAAAAAA", GUARDIAN, Set.of(), ""))
                .hasMessageStartingWith("DG-5001");
        assertThatThrownBy(() -> cases.refuse("nope", GUARDIAN, "x")).hasMessageStartingWith("DG-5001");
        assertThatThrownBy(() -> cases.markReleased("nope", "r")).hasMessageStartingWith("DG-5001");
    }

    // ---- expiry ----------------------------------------------------------------------------------------------

    @Test
    void expire_marksOnlyPendingCasesPastTheirExpiry() {
        ReviewCase old = openImmigration();
        ReviewCase approved = openImmigration();
        cases.approve(approved.id(), GUARDIAN, approved.escalation().proposedWithheld(), "");
        clock.advance(Duration.ofDays(1));
        ReviewCase young = openImmigration();

        assertThat(cases.expire(T0.plus(FOURTEEN_DAYS).minusMillis(1))).isZero();
        assertThat(cases.expire(T0.plus(FOURTEEN_DAYS))).isEqualTo(1);
        assertThat(cases.expire(T0.plus(FOURTEEN_DAYS))).isZero();

        assertThat(cases.find(old.id()).orElseThrow().state()).isEqualTo(CaseState.EXPIRED);
        assertThat(cases.find(approved.id()).orElseThrow().state()).isEqualTo(CaseState.APPROVED);
        assertThat(cases.find(young.id()).orElseThrow().state()).isEqualTo(CaseState.PENDING);
        assertThat(cases.find(old.id()).orElseThrow().rowVersion()).isEqualTo(old.rowVersion() + 1);
    }

    @Test
    void aCasePastItsExpiry_cannotBeDecided_evenBeforeTheSweep() {
        ReviewCase c = openImmigration();
        clock.advance(FOURTEEN_DAYS);
        assertThatThrownBy(() -> cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), ""))
                .hasMessageStartingWith("DG-5003");
        assertThat(cases.find(c.id()).orElseThrow().state()).isEqualTo(CaseState.PENDING);
        cases.expire(clock.instant());
        assertThatThrownBy(() -> cases.refuse(c.id(), GUARDIAN, "late")).hasMessageStartingWith("DG-5003");
        assertThat(cases.find(c.id()).orElseThrow().state()).isEqualTo(CaseState.EXPIRED);
    }

    // ---- release ---------------------------------------------------------------------------------------------

    @Test
    void markReleased_onlyOnce_andOnlyWhenApproved() {
        ReviewCase c = openImmigration();
        assertThatThrownBy(() -> cases.markReleased(c.id(), "req-release")).hasMessageStartingWith("DG-5007");
        cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), "");
        clock.advance(Duration.ofMinutes(1));
        ReviewCase released = cases.markReleased(c.id(), "req-release");
        assertThat(released.state()).isEqualTo(CaseState.RELEASED);
        assertThat(released.releaseRequestId()).isEqualTo("req-release");
        assertThat(released.releasedAt()).contains(clock.instant());
        assertThat(released.reviewerId()).isEqualTo("dr-okafor");
        assertThatThrownBy(() -> cases.markReleased(c.id(), "req-again")).hasMessageStartingWith("DG-5002");
        ReviewCase refused = openImmigration();
        cases.refuse(refused.id(), GUARDIAN, "no");
        assertThatThrownBy(() -> cases.markReleased(refused.id(), "r")).hasMessageStartingWith("DG-5007");
    }

    @Test
    void using_aCallersTransaction_commitsOrRollsBackWithIt() throws SQLException {
        ReviewCase c = openImmigration();
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            ReviewCase approved = cases.using(tx).approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), "");
            assertThat(approved.state()).isEqualTo(CaseState.APPROVED);
            assertThat(tx.isClosed()).isFalse();
            tx.rollback();
            assertThat(cases.find(c.id()).orElseThrow().state()).isEqualTo(CaseState.PENDING);

            cases.using(tx).refuse(c.id(), GUARDIAN, "not proportionate");
            tx.commit();
            tx.setAutoCommit(true);
        }
        assertThat(cases.find(c.id()).orElseThrow().state()).isEqualTo(CaseState.REFUSED);
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            assertThatThrownBy(() -> cases.using(tx).approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(),
                    "")).hasMessageStartingWith("DG-5002");
            tx.rollback();
            tx.setAutoCommit(true);
        }
    }

    // ---- concurrency -----------------------------------------------------------------------------------------

    @Test
    void twoReviewersDecidingOneCaseAtOnce_exactlyOneWins() throws Exception {
        int rounds = 20;
        int reviewers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(reviewers);
        try {
            for (int round = 0; round < rounds; round++) {
                ReviewCase c = openImmigration();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int r = 0; r < reviewers; r++) {
                    Reviewer reviewer = Reviewer.of("guardian-" + r, "caldicott-guardian");
                    boolean approves = r % 2 == 0;
                    Callable<String> decide = () -> {
                        start.await();
                        try {
                            if (approves) {
                                cases.approve(c.id(), reviewer, c.escalation().proposedWithheld(), "");
                            } else {
                                cases.refuse(c.id(), reviewer, "refused by " + reviewer.id());
                            }
                            return "won:" + reviewer.id();
                        } catch (ReviewException e) {
                            return e.error().code();
                        }
                    };
                    results.add(pool.submit(decide));
                }
                start.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : results) {
                    outcomes.add(f.get(30, TimeUnit.SECONDS));
                }
                List<String> winners = outcomes.stream().filter(o -> o.startsWith("won:")).toList();
                assertThat(winners).as("round %d: %s", round, outcomes).hasSize(1);
                assertThat(outcomes).filteredOn(o -> !o.startsWith("won:")).containsOnly("DG-5002");
                ReviewCase after = cases.find(c.id()).orElseThrow();
                assertThat("won:" + after.reviewerId()).isEqualTo(winners.get(0));
                assertThat(after.rowVersion()).isEqualTo(2);
                assertThat(after.state()).isIn(CaseState.APPROVED, CaseState.REFUSED);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fourGuardiansGivingTheSecondApprovalAtOnce_exactlyOneCompletesIt() throws Exception {
        int rounds = 10;
        int reviewers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(reviewers);
        try {
            for (int round = 0; round < rounds; round++) {
                ReviewCase c = openTwoApprovals();
                cases.approve(c.id(), GUARDIAN, c.escalation().proposedWithheld(), "");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int r = 0; r < reviewers; r++) {
                    Reviewer reviewer = Reviewer.of("second-" + r, "caldicott-guardian");
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            cases.approve(c.id(), reviewer, c.escalation().proposedWithheld(), "");
                            return "won:" + reviewer.id();
                        } catch (ReviewException e) {
                            return e.error().code();
                        }
                    }));
                }
                start.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : results) {
                    outcomes.add(f.get(30, TimeUnit.SECONDS));
                }
                List<String> winners = outcomes.stream().filter(o -> o.startsWith("won:")).toList();
                assertThat(winners).as("round %d: %s", round, outcomes).hasSize(1);
                assertThat(outcomes).filteredOn(o -> !o.startsWith("won:")).containsOnly("DG-5002");
                ReviewCase after = cases.find(c.id()).orElseThrow();
                assertThat(after.state()).isEqualTo(CaseState.APPROVED);
                assertThat("won:" + after.reviewerId()).isEqualTo(winners.get(0));
                assertThat(after.first().orElseThrow().reviewerId()).isEqualTo(GUARDIAN.id());
                assertThat(after.rowVersion()).isEqualTo(3);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- failures --------------------------------------------------------------------------------------------

    @Test
    void aFailingDatabase_isReportedAsStoreFailed() {
        ReviewCases broken = new ReviewCases(new FailingDataSource(), clock, FOURTEEN_DAYS);
        assertThatThrownBy(() -> broken.find("AAAAAAAAAAAAAAAAAAAAAAAA"))
                .isInstanceOf(ReviewException.class)
                .hasMessageStartingWith("DG-5009")
                .hasMessageContaining("database is down");
        assertThatThrownBy(() -> broken.expire(T0)).hasMessageStartingWith("DG-5009");
        assertThatThrownBy(() -> new ReviewCases(dataSource, clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A data source whose every connection attempt fails. */
    static final class FailingDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("database is down");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}

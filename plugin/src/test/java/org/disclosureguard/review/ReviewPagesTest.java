package org.disclosureguard.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.disclosureguard.review.ReviewFixtures.DEFAULT_POLICY;
import static org.disclosureguard.review.ReviewFixtures.FOURTEEN_DAYS;
import static org.disclosureguard.review.ReviewFixtures.T0;
import static org.disclosureguard.review.ReviewFixtures.escalation;
import static org.disclosureguard.review.ReviewFixtures.immigrationRead;
import static org.disclosureguard.review.ReviewFixtures.policeSearch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.junit.jupiter.api.Test;

/** The reviewer's pages: content in plain English, the forms, escaping of hostile text, accessibility basics. */
class ReviewPagesTest {

    static final String ID = "Zm9vYmFyYmF6cXV4cXV1eDEy";
    /** The render time: five hours after the request was held. */
    static final Instant NOW = T0.plus(Duration.ofHours(5));
    static final String HOSTILE = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)></textarea>&amp;";

    static ReviewCase pending(RequestContext context, RequestShape shape) {
        return new ReviewCase(ID, CaseState.PENDING, 1, T0, T0.plus(FOURTEEN_DAYS), context, shape,
                Escalation.of(escalation(context), "req-held-1"), "", null, Set.of(), "", "", "", null);
    }

    static ReviewCase immigrationCase() {
        return pending(immigrationRead(), RequestShape.read("Patient", "9000000009"));
    }

    @Test
    void casePage_saysWhoWhyWhatAndTheProposal_inPlainEnglish() throws Exception {
        String html = ReviewPages.casePage(immigrationCase(), "tok-123", NOW);
        Files.createDirectories(Path.of("target", "review-pages"));
        Files.writeString(Path.of("target", "review-pages", "case.html"), html, StandardCharsets.UTF_8);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<html lang=\"en-GB\">")
                .contains("<h1>Review of a request from Home Office Immigration Enforcement</h1>")
                .contains("<h2>Who is asking</h2>", "<h2>Why they are asking</h2>", "<h2>What they asked for</h2>",
                        "<h2>What the policy proposes</h2>", "<h2>The rule that referred it to you</h2>",
                        "<h2>Your decision</h2>")
                .contains("Immigration enforcement. The Home Office acting to enforce immigration law")
                .contains("Immigration enforcement (IMMIGENF)")
                .contains("Deportation after serious crime (DEPORT-SERIOUS-CRIME)")
                .contains("HO-2026-0042", "DC Smith")
                .contains("Read Patient/9000000009", "Patient/9000000009")
                .contains("immigration-serious-crime-escalated (request stage)")
                .contains("Caldicott Guardian")
                .contains("waiting 5 hours")
                .contains("must not be disclosed further without the patient&#39;s consent")
                .contains(DEFAULT_POLICY.version());
        String released = between(html, "Proposed for release", "Proposed to be withheld");
        String withheld = between(html, "Proposed to be withheld", "<h2>The rule");
        assertThat(released).contains("Name and personal details", "Date of birth", "Identifiers")
                .doesNotContain("Where the person can be found");
        assertThat(withheld).contains("Where the person can be found", "Nationality and immigration status",
                "Language and communication needs", "Ethnicity", "Religion", "Marital status", "Gender and sex")
                .doesNotContain("Date of birth");
    }

    @Test
    void approveForm_proposedLabelsAreCheckedDisabledAndStillSubmitted_othersAreOffered() {
        ReviewCase c = immigrationCase();
        String html = ReviewPages.casePage(c, "tok-123", NOW);
        String approve = between(html, "action=\"/staff/reviews/" + ID + "/approve\"", "</form>");
        for (SecurityLabel label : c.escalation().proposedWithheld()) {
            assertThat(approve).contains("<input type=\"hidden\" name=\"withhold\" value=\"" + label + "\">");
            assertThat(approve).doesNotContain("name=\"withhold\" value=\"" + label + "\">" + "<label");
        }
        assertThat(count(approve, "checked disabled>")).isEqualTo(c.escalation().proposedWithheld().size());
        for (String alias : List.of("DEMO", "DOB", "IDS")) {
            assertThat(approve).contains("<input type=\"checkbox\" id=\"withhold-")
                    .contains("name=\"withhold\" value=\"" + SecurityLabel.parse(alias) + "\">");
        }
        assertThat(approve).contains("<input type=\"hidden\" name=\"csrf\" value=\"tok-123\">")
                .contains("name=\"note\"");
        String refuse = between(html, "action=\"/staff/reviews/" + ID + "/refuse\"", "</form>");
        assertThat(refuse).contains("<input type=\"hidden\" name=\"csrf\" value=\"tok-123\">")
                .contains("name=\"reason\" required");
        assertThat(html).contains("method=\"post\" action=\"/staff/reviews/" + ID + "/approve\"");
    }

    @Test
    void everyFormControl_hasALabel() {
        String html = ReviewPages.casePage(immigrationCase(), "tok", NOW);
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<(?:input type=\"checkbox\"|textarea) id=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertThat(ids).hasSize(PlainEnglish.DEMOGRAPHIC_LABELS.size() + 3).doesNotHaveDuplicates();
        for (String id : ids) {
            assertThat(html).contains("<label for=\"" + id + "\">");
        }
        assertThat(count(html, "<input type=\"checkbox\"")).isEqualTo(PlainEnglish.DEMOGRAPHIC_LABELS.size());
        assertThat(count(html, "<textarea")).isEqualTo(3);
    }

    static ReviewCase withFirstApproval(Set<SecurityLabel> firstWithheld) {
        ReviewCase c = immigrationCase();
        return new ReviewCase(ID, CaseState.AWAITING_SECOND_APPROVAL, 2, T0, T0.plus(FOURTEEN_DAYS), c.context(),
                c.request(), c.escalation(), "", null, Set.of(), "", "", "", null,
                new ReviewCase.FirstApproval("dr-okafor", T0.plus(Duration.ofHours(1)), firstWithheld,
                        "identity only"), null);
    }

    @Test
    void aCaseAwaitingItsSecondApproval_showsTheFirst_andLocksWhatItWithheld() {
        ReviewCase c = immigrationCase();
        Set<SecurityLabel> first = new java.util.HashSet<>(c.escalation().proposedWithheld());
        SecurityLabel dob = SecurityLabel.parse("DOB");
        first.add(dob);
        String html = ReviewPages.casePage(withFirstApproval(first), "tok", NOW);

        assertThat(html).contains("<h2>First approval</h2>", "Approved first by</dt><dd>dr-okafor",
                "Their note</dt><dd>identity only", "This is the second approval",
                "Approve the release (second approval)", "Two: a second reviewer");
        String approve = between(html, "/approve\"", "</form>");
        assertThat(approve).contains("<input type=\"hidden\" name=\"withhold\" value=\"" + dob + "\">")
                .contains("withheld by the first approval")
                .doesNotContain("name=\"withhold\" value=\"" + dob + "\"><label");
        String list = ReviewPages.pendingList("caldicott-guardian", List.of(withFirstApproval(first)), NOW);
        assertThat(list).contains("Approved by dr-okafor; waiting for a second approval");
    }

    @Test
    void aQuestionedCase_showsTheQuestion_andOffersNoSecondQuestion() {
        ReviewCase c = immigrationCase();
        ReviewCase asked = new ReviewCase(ID, CaseState.INFORMATION_REQUESTED, 2, T0, T0.plus(FOURTEEN_DAYS),
                c.context(), c.request(), c.escalation(), "", null, Set.of(), "", "", "", null, null,
                new ReviewCase.Question("dr-okafor", T0.plus(Duration.ofHours(1)), HOSTILE, "", null));
        String html = ReviewPages.casePage(asked, "tok", NOW);
        assertThat(html).contains("<h2>Question to the requester</h2>", "not answered yet",
                "Waiting for the requester to answer").doesNotContain("/ask\"").doesNotContain(HOSTILE);
        assertThat(html).contains("Approve the release (first of two approvals)");

        ReviewCase answered = new ReviewCase(ID, CaseState.PENDING, 3, T0, T0.plus(FOURTEEN_DAYS), c.context(),
                c.request(), c.escalation(), "", null, Set.of(), "", "", "", null, null,
                new ReviewCase.Question("dr-okafor", T0.plus(Duration.ofHours(1)), "Which conviction?",
                        "Robbery, 2024", T0.plus(Duration.ofHours(2))));
        String again = ReviewPages.casePage(answered, "tok", NOW);
        assertThat(again).contains("Robbery, 2024").contains("/ask\"");
        assertThat(ReviewPages.pendingList("caldicott-guardian", List.of(answered), NOW))
                .contains("Answered by the requester; waiting for a decision");
    }

    @Test
    void pages_areSelfContained() {
        ReviewCase c = immigrationCase();
        for (String html : List.of(ReviewPages.casePage(c, "tok", NOW),
                ReviewPages.pendingList("caldicott-guardian", List.of(c), NOW))) {
            assertThat(html.toLowerCase()).doesNotContain("<script", " src=", "<link", "url(", "@import",
                    "<iframe", "javascript:")
                    .contains("content-security-policy\" content=\"default-src 'none'");
        }
    }

    @Test
    void hostileText_isEscapedEverywhere() {
        Requester requester = Requester.external("police-x" + HOSTILE, HOSTILE, "police");
        RequestContext context = new RequestContext(requester, "CRIMEPREV", "SERIOUS-CRIME", HOSTILE, HOSTILE,
                Interaction.SEARCH, "Patient", Map.of("identifier", List.of(HOSTILE), HOSTILE, List.of("v")));
        ReviewCase open = new ReviewCase(ID, CaseState.PENDING, 1, T0, T0.plus(FOURTEEN_DAYS), context,
                RequestShape.search(HOSTILE), Escalation.of(escalation(policeSearch()), "req" + HOSTILE), "", null,
                Set.of(), "", "", "", null);
        ReviewCase refused = new ReviewCase(ID, CaseState.REFUSED, 2, T0, T0.plus(FOURTEEN_DAYS), context,
                RequestShape.search(HOSTILE), open.escalation(), "dr" + HOSTILE, T0.plusSeconds(60), Set.of(), "",
                HOSTILE, "", null);
        ReviewCase approved = new ReviewCase(ID, CaseState.APPROVED, 2, T0, T0.plus(FOURTEEN_DAYS), context,
                RequestShape.search(HOSTILE), open.escalation(), "dr" + HOSTILE, T0.plusSeconds(60),
                Set.of(new SecurityLabel("https://x.example/" + HOSTILE.replace(" ", ""), "C\"<>")), HOSTILE, "", "",
                null);
        List<String> pages = List.of(ReviewPages.casePage(open, HOSTILE, NOW),
                ReviewPages.casePage(refused, "t", NOW), ReviewPages.casePage(approved, "t", NOW),
                ReviewPages.pendingList(HOSTILE, List.of(open), NOW));
        for (String html : pages) {
            assertThat(html).doesNotContain("<script", "<img", "\"'>", "</textarea>&")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x");
        }
        assertThat(pages.get(0)).contains("value=\"&lt;script&gt;alert(1)");
    }

    @Test
    void decidedCases_showTheDecisionAndNoForms() {
        ReviewCase base = immigrationCase();
        Set<SecurityLabel> approvedLabels = new HashSet<>(base.escalation().proposedWithheld());
        approvedLabels.add(SecurityLabel.parse("IDS"));
        ReviewCase approved = new ReviewCase(ID, CaseState.APPROVED, 2, T0, base.expires(), base.context(),
                base.request(), base.escalation(), "dr-okafor", T0.plusSeconds(3600), approvedLabels,
                "NHS number not needed", "", "", null);
        String html = ReviewPages.casePage(approved, "tok", NOW);
        assertThat(html).doesNotContain("<form").contains("Approved by", "dr-okafor", "NHS number not needed")
                .contains("Identifiers");
        ReviewCase refused = new ReviewCase(ID, CaseState.REFUSED, 2, T0, base.expires(), base.context(),
                base.request(), base.escalation(), "dr-okafor", T0.plusSeconds(3600), Set.of(), "",
                "Not evidenced", "", null);
        assertThat(ReviewPages.casePage(refused, "tok", NOW)).doesNotContain("<form")
                .contains("Refused by", "Not evidenced");
        String expired = ReviewPages.casePage(base, "tok", T0.plus(FOURTEEN_DAYS));
        assertThat(expired).doesNotContain("<form").contains("Expired");
    }

    @Test
    void pendingList_linksEachCaseOldestFirst_andSaysWhenEmpty() {
        ReviewCase first = immigrationCase();
        ReviewCase second = new ReviewCase("c2c2c2c2c2c2c2c2c2c2c2c2", CaseState.PENDING, 1, T0.plusSeconds(60),
                T0.plus(FOURTEEN_DAYS), policeSearch(), RequestShape.search(""),
                Escalation.of(escalation(policeSearch()), "req-2"), "", null, Set.of(), "", "", "", null);
        String html = ReviewPages.pendingList("caldicott-guardian", List.of(first, second), NOW);
        assertThat(html).contains("<h1>Requests waiting for the Caldicott Guardian</h1>", "2 requests are waiting")
                .contains("Metropolitan Police Service", "Police", "Prevention or detection of crime".toLowerCase())
                .contains("Search Patient by birthdate = 1990-01-01, identifier = https://fhir.nhs.uk/Id/nhs-number|"
                        + "9000000009")
                .contains("<th scope=\"col\">");
        assertThat(html.indexOf("href=\"/staff/reviews/" + ID + "\""))
                .isPositive()
                .isLessThan(html.indexOf("href=\"/staff/reviews/c2c2c2c2c2c2c2c2c2c2c2c2\""));
        assertThat(ReviewPages.pendingList("safeguarding-lead", List.of(), NOW))
                .contains("Requests waiting for the safeguarding lead", "No requests are waiting");
    }

    @Test
    void casePage_canShowWhatTheRuleIsFor() {
        ReviewCase c = immigrationCase();
        String description = DEFAULT_POLICY.rule(c.escalation().ruleId()).orElseThrow().description();
        String html = ReviewPages.casePage(c, "tok", NOW, ReviewPages.LONDON, PlainEnglish.DEMOGRAPHIC_LABELS,
                description + " <b>");
        assertThat(html).contains("<dt>What the rule is for</dt>")
                .contains("Deportation after a serious crime, or a risk to public security: never released"
                        + " automatically.")
                .contains("&lt;b&gt;");
        assertThat(ReviewPages.casePage(c, "tok", NOW)).doesNotContain("What the rule is for");
    }

    @Test
    void casePage_needsACsrfToken() {
        assertThatThrownBy(() -> ReviewPages.casePage(immigrationCase(), " ", NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withheldFromForm_readsTheCheckboxValues_andRefusesJunk() {
        List<String> posted = new ArrayList<>();
        for (SecurityLabel label : PlainEnglish.DEMOGRAPHIC_LABELS) {
            posted.add(label.toString());
        }
        posted.add("LOCIS");
        assertThat(ReviewPages.withheldFromForm(posted)).containsExactlyInAnyOrderElementsOf(
                PlainEnglish.DEMOGRAPHIC_LABELS);
        assertThat(ReviewPages.withheldFromForm(null)).isEmpty();
        assertThatThrownBy(() -> ReviewPages.withheldFromForm(List.of("NOT-A-LABEL")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NOT-A-LABEL");
    }

    @Test
    void plainEnglish_namesEveryCodeTheDefaultPolicyDeclares() {
        for (String code : DEFAULT_POLICY.requesterClasses()) {
            assertThat(PlainEnglish.requesterClass(code).explanation()).as(code).isNotEmpty();
        }
        for (String code : DEFAULT_POLICY.purposes()) {
            assertThat(PlainEnglish.purpose(code).explanation()).as(code).isNotEmpty();
        }
        for (String code : DEFAULT_POLICY.legalBases()) {
            assertThat(PlainEnglish.legalBasis(code).explanation()).as(code).isNotEmpty();
        }
        for (String alias : SecurityLabel.aliases()) {
            assertThat(PlainEnglish.label(SecurityLabel.parse(alias)).name()).as(alias).isNotEqualTo(alias);
        }
        for (var rule : DEFAULT_POLICY.rules()) {
            rule.obligations().forEach(o -> assertThat(PlainEnglish.obligation(o)).startsWith("must not"));
            if (!rule.reviewer().isEmpty()) {
                assertThat(PlainEnglish.role(rule.reviewer())).isNotEqualTo(rule.reviewer());
            }
        }
        assertThat(PlainEnglish.requesterClass("martian").name()).isEqualTo("martian");
    }

    static String between(String s, String from, String to) {
        int a = s.indexOf(from);
        assertThat(a).as("'%s' in page", from).isNotNegative();
        int b = s.indexOf(to, a + from.length());
        assertThat(b).as("'%s' after '%s'", to, from).isNotNegative();
        return s.substring(a, b);
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}

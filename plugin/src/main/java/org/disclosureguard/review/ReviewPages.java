package org.disclosureguard.review;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.text.HtmlText;

/**
 * The reviewer's web pages, as pure functions from cases to HTML: the list of pending cases for a role, and one
 * case with the forms to approve (withholding more if the reviewer wishes) or refuse it. The caller (the staff web
 * layer) serves them, supplies the CSRF token, checks it and the reviewer's login on every post, and passes the
 * posted values to {@link ReviewCases}.
 *
 * <p>The pages are self-contained (inline CSS, no scripts, no external resources; a Content-Security-Policy meta tag
 * says so), every text from a case is HTML-escaped, every form field has a label, and headings give the structure.
 * Forms post to {@code /staff/reviews/{id}/approve} (fields {@value #CSRF_PARAMETER}, {@value #WITHHOLD_PARAMETER}
 * repeated, {@value #NOTE_PARAMETER}) and {@code /staff/reviews/{id}/refuse} ({@value #CSRF_PARAMETER},
 * {@value #REASON_PARAMETER}) and {@code /staff/reviews/{id}/ask} ({@value #CSRF_PARAMETER},
 * {@value #QUESTION_PARAMETER}). The labels the policy proposes to withhold are shown checked and disabled, and are
 * submitted by hidden fields, so the form always withholds at least the proposal; {@link ReviewCases#approve}
 * checks it again.
 *
 * <p>Times are shown in the practice's time zone (Europe/London unless given). Stateless and thread-safe.
 */
public final class ReviewPages {

    /** Where the pages live. */
    public static final String BASE_PATH = "/staff/reviews";

    /** Where a patient's accounting of disclosures is, before the patient id. */
    static final String ACCOUNTING_PATH = "/staff/audit/patients/";
    /** The form field carrying the caller's CSRF token. */
    public static final String CSRF_PARAMETER = "csrf";
    /** The approval form's field naming one label to withhold ({@code system#code}), repeated. */
    public static final String WITHHOLD_PARAMETER = "withhold";
    /** The approval form's note. */
    public static final String NOTE_PARAMETER = "note";
    /** The refusal form's reason. */
    public static final String REASON_PARAMETER = "reason";
    /** The question form's question to the requester. */
    public static final String QUESTION_PARAMETER = "question";

    /** Where staff start signing in with OpenID Connect. */
    public static final String OIDC_START_PATH = "/staff/login/oidc";

    /** The practice's time zone by default. */
    public static final ZoneId LONDON = ZoneId.of("Europe/London");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm z", Locale.UK);

    private static final String STYLE = "body{font-family:system-ui,Arial,sans-serif;margin:0;color:#0b0c0c;"
            + "background:#f3f2f1;line-height:1.45}main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem;"
            + "background:#fff}h1{font-size:1.8rem}h2{font-size:1.3rem;margin-top:1.8rem;border-bottom:1px solid"
            + " #b1b4b6}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;"
            + "padding:.4rem .6rem;border-bottom:1px solid #b1b4b6}th{width:14rem}dt{font-weight:bold}dd{margin:0 0"
            + " .6rem 0}.withheld{color:#942514}.released{color:#005a30}.muted{color:#505a5f}fieldset{border:1px"
            + " solid #b1b4b6;margin:1rem 0}textarea{width:100%;min-height:5rem;font:inherit}"
            + "button{font:inherit;font-weight:bold;padding:.5rem 1rem;margin:.5rem 0;border:0;color:#fff;"
            + "background:#00703c}button.refuse{background:#d4351c}:focus{outline:3px solid #fd0}"
            + ".check{margin:.3rem 0}.note{font-size:.9rem}";

    private ReviewPages() {
    }

    // ---- the list ---------------------------------------------------------------------------------------------

    /** The pending cases for a role, oldest first, in the practice's time zone (Europe/London). */
    public static String pendingList(String role, List<ReviewCase> cases, Instant now) {
        return pendingList(role, cases, now, LONDON);
    }

    /**
     * The pending cases for a role, as given (the store lists them oldest first).
     *
     * @param role the reviewer role the list is for
     * @param cases the cases, from {@link ReviewCases#pending(String)}
     * @param now the time the page is rendered, for "waiting for"
     * @param zone the practice's time zone
     */
    public static String pendingList(String role, List<ReviewCase> cases, Instant now, ZoneId zone) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(cases, "cases");
        String title = "Requests waiting for the " + PlainEnglish.role(role);
        StringBuilder b = new StringBuilder();
        open(b, title);
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        if (cases.isEmpty()) {
            b.append("<p>No requests are waiting for a decision.</p>\n");
        } else {
            b.append("<p>").append(cases.size()).append(cases.size() == 1 ? " request is" : " requests are")
                    .append(" waiting, oldest first. Nothing is released until you decide.</p>\n");
            b.append("<table>\n<caption class=\"muted\">Held requests</caption>\n<thead><tr>")
                    .append("<th scope=\"col\">Received</th><th scope=\"col\">From</th>")
                    .append("<th scope=\"col\">Why</th><th scope=\"col\">Asking for</th>")
                    .append("<th scope=\"col\">Status</th><th scope=\"col\">Expires</th></tr></thead>\n<tbody>\n");
            for (ReviewCase c : cases) {
                RequestContext ctx = c.context();
                b.append("<tr><td><a href=\"").append(esc(casePath(c.id()))).append("\">")
                        .append(esc(time(c.created(), zone))).append("</a><br><span class=\"muted\">waiting ")
                        .append(esc(duration(c.waited(now)))).append("</span></td>")
                        .append("<td>").append(esc(orNone(ctx.requester().organisation()))).append("<br>")
                        .append("<span class=\"muted\">").append(esc(PlainEnglish.requesterClass(
                                ctx.requester().requesterClass()).name())).append("</span></td>")
                        .append("<td>").append(esc(PlainEnglish.purpose(ctx.purposeOfUse()).name())).append("<br>")
                        .append("<span class=\"muted\">").append(esc(PlainEnglish.legalBasis(ctx.legalBasis())
                                .name())).append("</span></td>")
                        .append("<td>").append(esc(requestText(c))).append("</td>")
                        .append("<td class=\"status\">").append(esc(statusText(c))).append("</td>")
                        .append("<td>").append(esc(time(c.expires(), zone))).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        close(b);
        return b.toString();
    }

    // ---- one case ---------------------------------------------------------------------------------------------

    /** One case, offering the guard's demographic labels to withhold, in the practice's time zone. */
    public static String casePage(ReviewCase c, String csrfToken, Instant now) {
        return casePage(c, csrfToken, now, LONDON, PlainEnglish.DEMOGRAPHIC_LABELS);
    }

    /**
     * One case: who is asking, why, for what, what the policy proposes, the rule, and (while it is pending) the
     * forms to approve or refuse it; once decided, the decision.
     *
     * @param c the case
     * @param csrfToken the token to post back, supplied and checked by the caller; never blank
     * @param now the time the page is rendered
     * @param zone the practice's time zone
     * @param offered the labels the reviewer may choose to withhold besides the proposal, in display order
     */
    public static String casePage(ReviewCase c, String csrfToken, Instant now, ZoneId zone,
            Collection<SecurityLabel> offered) {
        return casePage(c, csrfToken, now, zone, offered, "");
    }

    /**
     * As {@link #casePage(ReviewCase, String, Instant, ZoneId, Collection)}, also showing what the rule is for: its
     * {@code description} in the policy file (for example from {@code PolicyEngine.rule(ruleId)} of the policy
     * whose version the case names), or empty to leave it out.
     */
    public static String casePage(ReviewCase c, String csrfToken, Instant now, ZoneId zone,
            Collection<SecurityLabel> offered, String ruleDescription) {
        Objects.requireNonNull(c, "c");
        if (csrfToken == null || csrfToken.isBlank()) {
            throw new IllegalArgumentException("the review page needs a CSRF token");
        }
        RequestContext ctx = c.context();
        Escalation esc = c.escalation();
        String title = "Review of a request from " + orNone(ctx.requester().organisation());
        StringBuilder b = new StringBuilder();
        open(b, title);
        b.append("<p><a href=\"").append(BASE_PATH).append("\">All waiting requests</a></p>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p>").append(esc(stateText(c, now, zone))).append("</p>\n");

        b.append("<h2>Who is asking</h2>\n<dl>\n");
        item(b, "Organisation", orNone(ctx.requester().organisation()));
        PlainEnglish.Term cls = PlainEnglish.requesterClass(ctx.requester().requesterClass());
        item(b, "Kind of requester", capital(cls.name()) + (cls.explanation().isEmpty() ? "" : ". "
                + cls.explanation()));
        item(b, "Registered requester", ctx.requester().id());
        b.append("</dl>\n");

        b.append("<h2>Why they are asking</h2>\n<dl>\n");
        PlainEnglish.Term purpose = PlainEnglish.purpose(ctx.purposeOfUse());
        item(b, "Purpose", capital(purpose.name()) + code(ctx.purposeOfUse()));
        PlainEnglish.Term basis = PlainEnglish.legalBasis(ctx.legalBasis());
        item(b, "Legal basis they cite", capital(basis.name()) + code(ctx.legalBasis())
                + (basis.explanation().isEmpty() ? "" : ". " + basis.explanation()));
        item(b, "Their case reference", orNone(ctx.caseReference()));
        item(b, "Requesting officer", orNone(ctx.requestingOfficer()));
        b.append("</dl>\n");

        b.append("<h2>What they asked for</h2>\n<dl>\n");
        item(b, "Request", requestText(c));
        item(b, "Patient", c.request().patientId().isEmpty() ? "not yet known (a search)"
                : "Patient/" + c.request().patientId());
        b.append("</dl>\n");
        if (!c.request().patientId().isEmpty()) {
            b.append("<p><a href=\"").append(esc(ACCOUNTING_PATH + URLEncoder.encode(c.request().patientId(),
                    StandardCharsets.UTF_8) + "/accounting")).append("\">What has been shared about this patient "
                    + "before</a></p>\n");
        }

        List<SecurityLabel> all = catalogue(offered, esc.proposedWithheld(), c.approvedWithheld());
        b.append("<h2>What the policy proposes</h2>\n");
        b.append("<p>The policy proposes releasing only the minimum necessary. You may withhold more; you cannot"
                + " release what it proposes to withhold.</p>\n");
        b.append("<h3 class=\"released\">Proposed for release</h3>\n<ul>\n");
        boolean any = false;
        for (SecurityLabel label : all) {
            if (!esc.proposedWithheld().contains(label)) {
                labelItem(b, label);
                any = true;
            }
        }
        if (!any) {
            b.append("<li>None of the listed kinds of information</li>\n");
        }
        b.append("</ul>\n<h3 class=\"withheld\">Proposed to be withheld</h3>\n<ul>\n");
        if (esc.proposedWithheld().isEmpty()) {
            b.append("<li>Nothing</li>\n");
        }
        for (SecurityLabel label : all) {
            if (esc.proposedWithheld().contains(label)) {
                labelItem(b, label);
            }
        }
        b.append("</ul>\n");
        if (!esc.obligations().isEmpty()) {
            b.append("<p>Anything released is marked: it ");
            List<String> texts = esc.obligations().stream().sorted(Comparator.comparing(SecurityLabel::toString))
                    .map(PlainEnglish::obligation).toList();
            b.append(esc(String.join("; it ", texts))).append(".</p>\n");
        }

        b.append("<h2>The rule that referred it to you</h2>\n<dl>\n");
        item(b, "Rule", esc.ruleId() + " (" + esc.stage().word() + " stage)");
        if (ruleDescription != null && !ruleDescription.isBlank()) {
            item(b, "What the rule is for", ruleDescription.strip());
        }
        item(b, "Reason given to the requester", orNone(esc.reason()));
        item(b, "Referred to", PlainEnglish.role(esc.reviewerRole()));
        item(b, "Approvals needed", esc.needsSecondApproval() ? "Two: a second reviewer holding this role must also"
                + " approve, and may only withhold more than the first" : "One");
        item(b, "Policy version", esc.policyVersion());
        item(b, "Audit request id", esc.auditRequestId());
        b.append("</dl>\n");

        c.first().ifPresent(first -> {
            b.append("<h2>First approval</h2>\n<dl>\n");
            item(b, "Approved first by", first.reviewerId());
            item(b, "Approved at", time(first.at(), zone));
            item(b, "Withheld by the first approval", labelNames(all, first.withheld()));
            if (!first.note().isEmpty()) {
                item(b, "Their note", first.note());
            }
            b.append("</dl>\n");
        });
        c.asked().ifPresent(q -> {
            b.append("<h2>Question to the requester</h2>\n<dl>\n");
            item(b, "Asked by", q.askedBy() + ", " + time(q.asked(), zone));
            item(b, "Question", q.text());
            if (q.isAnswered()) {
                item(b, "Their answer (" + time(q.answered(), zone) + ")", q.answer());
            } else {
                item(b, "Their answer", "not answered yet");
            }
            b.append("</dl>\n");
        });

        if (c.state().isOpen() && !c.expiredAt(now)) {
            forms(b, c, csrfToken, all);
        } else {
            decision(b, c, zone, all);
        }
        close(b);
        return b.toString();
    }

    /**
     * The labels posted in {@value #WITHHOLD_PARAMETER} fields ({@code system#code}, or a short name such as
     * {@code LOCIS}). Whether they cover the policy's proposal is checked by {@link ReviewCases#approve}.
     *
     * @throws IllegalArgumentException naming a value that is not a label
     */
    public static Set<SecurityLabel> withheldFromForm(List<String> values) {
        Set<SecurityLabel> labels = new LinkedHashSet<>();
        if (values == null) {
            return labels;
        }
        for (String value : values) {
            SecurityLabel label = value == null ? null : SecurityLabel.parse(value.strip());
            if (label == null) {
                throw new IllegalArgumentException("not a security label: '" + value + "'");
            }
            labels.add(label);
        }
        return labels;
    }

    /** The path of a case's page; {@code /approve} and {@code /refuse} are appended for the forms. */
    public static String casePath(String id) {
        return BASE_PATH + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** The staff sign-in page, posting {@code id} and {@code password} to {@code /staff/login}. */
    public static String signIn(String problem) {
        return signIn(problem, false);
    }

    /**
     * The staff sign-in page; with {@code offerOidc}, also a link to sign in with the practice's OpenID Connect
     * provider ({@value #OIDC_START_PATH}).
     */
    public static String signIn(String problem, boolean offerOidc) {
        StringBuilder b = new StringBuilder();
        open(b, "Sign in to review requests");
        b.append("<h1>Sign in to review requests</h1>\n");
        if (problem != null && !problem.isBlank()) {
            b.append("<p class=\"withheld\" role=\"alert\">").append(esc(problem)).append("</p>\n");
        }
        b.append("<form method=\"post\" action=\"/staff/login\">\n")
                .append("<label for=\"id\">Your staff id</label>\n")
                .append("<input id=\"id\" name=\"id\" autocomplete=\"username\" required>\n")
                .append("<label for=\"password\">Password</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\" "
                        + "autocomplete=\"current-password\" required>\n")
                .append("<button type=\"submit\">Sign in</button>\n</form>\n");
        if (offerOidc) {
            b.append("<p><a href=\"").append(OIDC_START_PATH).append("\">Sign in with your organisation account</a>"
                    + "</p>\n");
        }
        close(b);
        return b.toString();
    }

    /** A short page saying what happened, with a link onwards. */
    public static String message(String title, String text, String link, String linkText) {
        StringBuilder b = new StringBuilder();
        open(b, title);
        b.append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(text)).append("</p>\n");
        if (link != null) {
            b.append("<p><a href=\"").append(esc(link)).append("\">").append(esc(linkText)).append("</a></p>\n");
        }
        close(b);
        return b.toString();
    }

    // ---- parts ------------------------------------------------------------------------------------------------

    private static void forms(StringBuilder b, ReviewCase c, String csrf, List<SecurityLabel> all) {
        Set<SecurityLabel> proposed = new LinkedHashSet<>(c.escalation().proposedWithheld());
        Set<SecurityLabel> firstWithheld = c.first().map(ReviewCase.FirstApproval::withheld).orElse(Set.of());
        b.append("<h2>Your decision</h2>\n");
        if (c.first().isPresent()) {
            b.append("<p>This is the second approval. It must be given by someone other than ")
                    .append(esc(c.first().get().reviewerId()))
                    .append(", and can only withhold more than the first approval, not less.</p>\n");
        } else if (c.escalation().needsSecondApproval()) {
            b.append("<p>This request needs two approvals. If you approve, a second reviewer holding this role must"
                    + " also approve before anything is released.</p>\n");
        }
        b.append("<form method=\"post\" action=\"").append(esc(casePath(c.id()) + "/approve")).append("\">\n");
        hidden(b, CSRF_PARAMETER, csrf);
        b.append("<fieldset>\n<legend>Approve the release, withholding the ticked information</legend>\n");
        int n = 0;
        for (SecurityLabel label : all) {
            n++;
            String id = "withhold-" + n;
            PlainEnglish.Term term = PlainEnglish.label(label);
            b.append("<div class=\"check\">");
            if (proposed.contains(label) || firstWithheld.contains(label)) {
                b.append("<input type=\"checkbox\" id=\"").append(id).append("\" checked disabled>")
                        .append("<label for=\"").append(id).append("\">").append(esc(term.name()))
                        .append(" <span class=\"muted\">(").append(proposed.contains(label)
                                ? "withheld by the policy's proposal" : "withheld by the first approval")
                        .append("; cannot be released)</span></label>");
                hidden(b, WITHHOLD_PARAMETER, label.toString());
            } else {
                b.append("<input type=\"checkbox\" id=\"").append(id).append("\" name=\"").append(WITHHOLD_PARAMETER)
                        .append("\" value=\"").append(esc(label.toString())).append("\">")
                        .append("<label for=\"").append(id).append("\">").append(esc(term.name()))
                        .append(" <span class=\"muted\">(also withhold)</span></label>");
            }
            b.append("</div>\n");
        }
        b.append("</fieldset>\n");
        b.append("<label for=\"note\">Note for the record (optional; not shown to the requester)</label>\n")
                .append("<textarea id=\"note\" name=\"").append(NOTE_PARAMETER).append("\" maxlength=\"")
                .append(ReviewCases.MAX_TEXT).append("\"></textarea>\n");
        b.append("<button type=\"submit\">").append(c.first().isPresent() ? "Approve the release (second approval)"
                : c.escalation().needsSecondApproval() ? "Approve the release (first of two approvals)"
                : "Approve the release").append("</button>\n</form>\n");

        b.append("<form method=\"post\" action=\"").append(esc(casePath(c.id()) + "/refuse")).append("\">\n");
        hidden(b, CSRF_PARAMETER, csrf);
        b.append("<label for=\"reason\">Reason for refusing (required; shown to the requester)</label>\n")
                .append("<textarea id=\"reason\" name=\"").append(REASON_PARAMETER).append("\" required maxlength=\"")
                .append(ReviewCases.MAX_TEXT).append("\"></textarea>\n");
        b.append("<button type=\"submit\" class=\"refuse\">Refuse the request</button>\n</form>\n");

        if (c.state() != CaseState.INFORMATION_REQUESTED) {
            b.append("<form method=\"post\" action=\"").append(esc(casePath(c.id()) + "/ask")).append("\">\n");
            hidden(b, CSRF_PARAMETER, csrf);
            b.append("<label for=\"question\">Ask the requester for more information (shown to the requester; the"
                    + " request comes back to this list when they answer)</label>\n")
                    .append("<textarea id=\"question\" name=\"").append(QUESTION_PARAMETER)
                    .append("\" required maxlength=\"").append(ReviewCases.MAX_TEXT).append("\"></textarea>\n");
            b.append("<button type=\"submit\" class=\"ask\">Ask the requester</button>\n</form>\n");
        }
    }

    private static String labelNames(List<SecurityLabel> all, Set<SecurityLabel> labels) {
        List<String> names = new ArrayList<>();
        for (SecurityLabel label : all) {
            if (labels.contains(label)) {
                names.add(PlainEnglish.label(label).name());
            }
        }
        for (SecurityLabel label : labels) {
            if (!all.contains(label)) {
                names.add(PlainEnglish.label(label).name());
            }
        }
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    /** The case's state as the list shows it. */
    static String statusText(ReviewCase c) {
        return switch (c.state()) {
            case PENDING -> c.asked().filter(ReviewCase.Question::isAnswered).isPresent()
                    ? "Answered by the requester; waiting for a decision" : "Waiting for a decision";
            case AWAITING_SECOND_APPROVAL -> "Approved by " + c.first().map(ReviewCase.FirstApproval::reviewerId)
                    .orElse("(unknown)") + "; waiting for a second approval";
            case INFORMATION_REQUESTED -> "Waiting for the requester's answer";
            case APPROVED -> "Approved";
            case REFUSED -> "Refused";
            case EXPIRED -> "Expired";
            case RELEASED -> "Released";
            case WITHDRAWN -> "Withdrawn";
        };
    }

    private static void decision(StringBuilder b, ReviewCase c, ZoneId zone, List<SecurityLabel> all) {
        b.append("<h2>Decision</h2>\n<dl>\n");
        switch (c.state()) {
            case APPROVED, RELEASED -> {
                item(b, "Approved by", c.reviewerId());
                c.decidedAt().ifPresent(t -> item(b, "Approved at", time(t, zone)));
                List<String> names = new ArrayList<>();
                for (SecurityLabel label : all) {
                    if (c.approvedWithheld().contains(label)) {
                        names.add(PlainEnglish.label(label).name());
                    }
                }
                item(b, "Withheld", names.isEmpty() ? "nothing" : String.join(", ", names));
                if (!c.reviewNote().isEmpty()) {
                    item(b, "Note", c.reviewNote());
                }
                c.releasedAt().ifPresent(t -> item(b, "Released at", time(t, zone) + " (request "
                        + c.releaseRequestId() + ")"));
            }
            case REFUSED -> {
                item(b, "Refused by", c.reviewerId());
                c.decidedAt().ifPresent(t -> item(b, "Refused at", time(t, zone)));
                item(b, "Reason", c.refusalReason());
            }
            case PENDING, AWAITING_SECOND_APPROVAL, INFORMATION_REQUESTED, EXPIRED -> item(b, "Expired", time(c.expires(), zone) + "; nobody decided in time and"
                    + " nothing was released");
        }
        b.append("</dl>\n");
    }

    private static List<SecurityLabel> catalogue(Collection<SecurityLabel> offered, Set<SecurityLabel> proposed,
            Set<SecurityLabel> approved) {
        Set<SecurityLabel> all = new LinkedHashSet<>(offered);
        Comparator<SecurityLabel> byName = Comparator.comparing(SecurityLabel::toString);
        proposed.stream().sorted(byName).forEach(all::add);
        approved.stream().sorted(byName).forEach(all::add);
        return List.copyOf(all);
    }

    private static void labelItem(StringBuilder b, SecurityLabel label) {
        PlainEnglish.Term term = PlainEnglish.label(label);
        b.append("<li><strong>").append(esc(term.name())).append("</strong>");
        if (!term.explanation().isEmpty()) {
            b.append(": ").append(esc(term.explanation()));
        }
        b.append("</li>\n");
    }

    private static String stateText(ReviewCase c, Instant now, ZoneId zone) {
        if (c.expiredAt(now)) {
            return "Expired at " + time(c.expires(), zone) + ". Nothing was released.";
        }
        return switch (c.state()) {
            case PENDING -> "Held since " + time(c.created(), zone) + " (waiting " + duration(c.waited(now))
                    + "). Nothing is released until you decide. If nobody decides, it expires at "
                    + time(c.expires(), zone) + ".";
            case AWAITING_SECOND_APPROVAL -> "Approved by " + c.first().map(ReviewCase.FirstApproval::reviewerId)
                    .orElse("(unknown)") + "; waiting for a second approval by another reviewer. Nothing is released"
                    + " until then. If nobody decides, it expires at " + time(c.expires(), zone) + ".";
            case INFORMATION_REQUESTED -> "Waiting for the requester to answer your question. Nothing is released."
                    + " If nobody decides, it expires at " + time(c.expires(), zone) + ".";
            case APPROVED -> "Approved; the requester has not collected the answer yet.";
            case RELEASED -> "Approved and released.";
            case REFUSED -> "Refused. Nothing was released.";
            case EXPIRED -> "Expired. Nothing was released.";
            case WITHDRAWN -> "Withdrawn by the requester. Nothing was released.";
        };
    }

    static String requestText(ReviewCase c) {
        RequestContext ctx = c.context();
        return switch (ctx.interaction()) {
            case READ -> "Read " + ctx.resourceType() + "/" + c.request().resourceId();
            case SEARCH -> "Search " + ctx.resourceType() + (ctx.params().isEmpty() ? "" : " by " + params(ctx));
            case PAGE -> "A further page of an earlier search" + (ctx.resourceType().isEmpty() ? ""
                    : " of " + ctx.resourceType());
        };
    }

    private static String params(RequestContext ctx) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : ctx.params().entrySet()) {
            if (e.getValue().isEmpty()) {
                parts.add(e.getKey());
            }
            for (String v : e.getValue()) {
                parts.add(e.getKey() + " = " + v);
            }
        }
        return String.join(", ", parts);
    }

    private static void item(StringBuilder b, String term, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>\n");
    }

    private static void hidden(StringBuilder b, String name, String value) {
        b.append("<input type=\"hidden\" name=\"").append(esc(name)).append("\" value=\"").append(esc(value))
                .append("\">\n");
    }

    private static void open(StringBuilder b, String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                        + " style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<title>").append(esc(title)).append(" - Disclosure Guard</title>\n")
                .append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
    }

    private static void close(StringBuilder b) {
        b.append("</main>\n</body>\n</html>\n");
    }

    private static String code(String code) {
        return code.isEmpty() ? "" : " (" + code + ")";
    }

    private static String orNone(String s) {
        return s == null || s.isBlank() ? "(not given)" : s;
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.UK) + s.substring(1);
    }

    static String time(Instant t, ZoneId zone) {
        return TIME.format(t.atZone(zone));
    }

    static String duration(Duration d) {
        long minutes = d.toMinutes();
        if (minutes < 1) {
            return "less than a minute";
        }
        long days = d.toDays();
        long hours = d.toHoursPart();
        if (days > 0) {
            return plural(days, "day") + (hours > 0 ? " " + plural(hours, "hour") : "");
        }
        if (d.toHours() > 0) {
            return plural(d.toHours(), "hour") + (d.toMinutesPart() > 0 ? " " + plural(d.toMinutesPart(), "minute")
                    : "");
        }
        return plural(minutes, "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** Escapes text for HTML element content and double- or single-quoted attributes; control characters go. */
    static String esc(String s) {
        return HtmlText.escape(s);
    }
}

package org.disclosureguard.app;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.TransactionalWrite;
import org.disclosureguard.gateway.DisclosureRecorder;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.review.ReviewCase;
import org.disclosureguard.review.ReviewCases;
import org.disclosureguard.review.ReviewError;
import org.disclosureguard.review.ReviewException;
import org.disclosureguard.review.ReviewPages;
import org.disclosureguard.review.Reviewer;
import org.disclosureguard.staff.OidcSignIn;
import org.disclosureguard.staff.StaffAccounts;
import org.disclosureguard.staff.StaffMember;
import org.disclosureguard.staff.StaffSessions;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The reviewer's web pages ({@code docs/escalation.md}, "What the reviewer sees"): sign in with a staff account,
 * see the requests waiting for one's role, and approve (withholding at least what the policy proposes) or refuse
 * each with a reason. Every decision is recorded in the audit chain in the same transaction as the case's change.
 * Like every {@code /staff} page it is answered only on the practice's own listener ({@link StaffAccess}); forms
 * carry the session's CSRF token and the session cookie is HttpOnly and SameSite=Strict.
 */
@RestController
class StaffReviewController {

    private final ReviewCases cases;
    private final StaffAccounts accounts;
    private final StaffSessions sessions;
    private final DisclosureRecorder recorder;
    private final GuardProperties properties;

    private final org.springframework.beans.factory.ObjectProvider<OidcSignIn> oidc;
    /** OpenID Connect sign-ins under way, by their state (bound to the browser by {@link #OIDC_COOKIE}). */
    private final com.github.benmanes.caffeine.cache.Cache<String, OidcSignIn.Started> oidcStarted =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(java.time.Duration.ofMinutes(10))
                    .maximumSize(10_000).build();

    /** The cookie binding an OpenID Connect sign-in to the browser that started it. */
    static final String OIDC_COOKIE = "dg_oidc";

    StaffReviewController(ReviewCases cases, StaffAccounts accounts, StaffSessions sessions,
            DisclosureRecorder recorder, GuardProperties properties,
            org.springframework.beans.factory.ObjectProvider<OidcSignIn> oidc) {
        this.oidc = oidc;
        this.cases = cases;
        this.accounts = accounts;
        this.sessions = sessions;
        this.recorder = recorder;
        this.properties = properties;
    }

    @GetMapping("/staff/login")
    ResponseEntity<String> signInPage(HttpServletRequest request) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        return page(200, ReviewPages.signIn(null, oidc.getIfAvailable() != null));
    }

    /** Starts an OpenID Connect sign-in: 303 to the issuer, with the state bound to this browser by a cookie. */
    @GetMapping(ReviewPages.OIDC_START_PATH)
    ResponseEntity<String> oidcStart(HttpServletRequest request) {
        OidcSignIn signIn = oidc.getIfAvailable();
        if (!StaffAccess.fromThePractice(request) || signIn == null) {
            return StaffAccess.notFound();
        }
        OidcSignIn.Started started;
        try {
            started = signIn.begin();
        } catch (OidcSignIn.SignInRefused e) {
            return page(502, ReviewPages.signIn(e.getMessage(), true));
        }
        oidcStarted.put(started.state(), started);
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, started.authorizationUri().toString())
                .header(HttpHeaders.SET_COOKIE, OIDC_COOKIE + "=" + started.state() + "; Path="
                        + ReviewPages.OIDC_START_PATH + "; Max-Age=600; HttpOnly; SameSite=Lax"
                        + (request.isSecure() ? "; Secure" : ""))
                .header("Cache-Control", "no-store").build();
    }

    /**
     * The issuer's redirect back: completes the sign-in started in this browser and opens a session. Answers a page
     * with a link onwards rather than a redirect, so that the first staff page is requested from the guard's own
     * page and the SameSite=Strict session cookie goes with it.
     */
    @GetMapping(ReviewPages.OIDC_START_PATH + "/callback")
    ResponseEntity<String> oidcCallback(HttpServletRequest request) {
        OidcSignIn signIn = oidc.getIfAvailable();
        if (!StaffAccess.fromThePractice(request) || signIn == null) {
            return StaffAccess.notFound();
        }
        String state = null;
        if (request.getCookies() != null) {
            for (jakarta.servlet.http.Cookie cookie : request.getCookies()) {
                if (OIDC_COOKIE.equals(cookie.getName())) {
                    state = cookie.getValue();
                }
            }
        }
        OidcSignIn.Started started = state == null ? null : oidcStarted.asMap().remove(state);
        String clear = OIDC_COOKIE + "=; Path=" + ReviewPages.OIDC_START_PATH + "; Max-Age=0; HttpOnly; SameSite=Lax";
        if (started == null) {
            return page(400, ReviewPages.signIn("This sign-in was not started in this browser, or took longer than"
                    + " ten minutes. Start again.", true), clear);
        }
        StaffMember member;
        try {
            String query = request.getQueryString() == null ? "" : request.getQueryString();
            member = signIn.complete(started, java.net.URI.create(
                    properties.getReview().getOidc().getRedirectUri() + "?" + query));
        } catch (OidcSignIn.SignInRefused | IllegalArgumentException e) {
            return page(403, ReviewPages.signIn(e.getMessage(), true), clear);
        }
        StaffSessions.Session session = sessions.open(member);
        return page(200, ReviewPages.message("Signed in", "You are signed in as " + member.name() + ".",
                ReviewPages.BASE_PATH, "Continue to the requests waiting for you"), clear,
                StaffAccess.SESSION_COOKIE + "=" + session.token() + "; Path=/staff; HttpOnly; SameSite=Strict"
                        + (request.isSecure() ? "; Secure" : ""));
    }

    @PostMapping(value = "/staff/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> signIn(HttpServletRequest request, @RequestParam(value = "id", required = false) String id,
            @RequestParam(value = "password", required = false) String password) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        Optional<StaffMember> member = accounts.authenticate(id == null ? null : id.strip().toLowerCase(Locale.ROOT),
                password == null ? null : password.toCharArray());
        if (member.isEmpty()) {
            return page(401, ReviewPages.signIn("That staff id and password do not match."));
        }
        StaffSessions.Session session = sessions.open(member.get());
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, ReviewPages.BASE_PATH)
                .header(HttpHeaders.SET_COOKIE, StaffAccess.SESSION_COOKIE + "=" + session.token()
                        + "; Path=/staff; HttpOnly; SameSite=Strict" + (request.isSecure() ? "; Secure" : ""))
                .header("Cache-Control", "no-store").build();
    }

    @PostMapping("/staff/logout")
    ResponseEntity<String> signOut(HttpServletRequest request) {
        sessionOf(request).ifPresent(session -> sessions.close(session.token()));
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/staff/login")
                .header(HttpHeaders.SET_COOKIE, StaffAccess.SESSION_COOKIE
                        + "=; Path=/staff; Max-Age=0; HttpOnly; SameSite=Strict")
                .build();
    }

    @GetMapping(ReviewPages.BASE_PATH)
    ResponseEntity<String> pending(HttpServletRequest request, @RequestParam(value = "role", required = false) String role) {
        Optional<StaffSessions.Session> session = sessionOf(request);
        if (session.isEmpty()) {
            return signInFirst(request);
        }
        StaffMember member = session.get().member();
        String chosen = role != null && member.roles().contains(role) ? role : member.roles().iterator().next();
        return page(200, ReviewPages.pendingList(chosen, cases.pending(chosen), Instant.now()));
    }

    @GetMapping(ReviewPages.BASE_PATH + "/{id}")
    ResponseEntity<String> casePage(HttpServletRequest request, @PathVariable("id") String id) {
        Optional<StaffSessions.Session> session = sessionOf(request);
        if (session.isEmpty()) {
            return signInFirst(request);
        }
        Optional<ReviewCase> found = cases.find(id).filter(c -> session.get().member().roles().contains(c.reviewerRole()));
        if (found.isEmpty()) {
            return page(404, ReviewPages.message("No such request", "There is no request with this id waiting for "
                    + "your role.", ReviewPages.BASE_PATH, "Back to the list"));
        }
        try {
            recorder.record(ReviewAudit.entry(found.get(), AuditOutcome.ESCALATE, "", session.get().member().id(),
                    AuditConfiguration.instanceName(properties), Instant.now()), List.of(), List.of());
        } catch (RuntimeException e) {
            return page(503, ReviewPages.message("Not available", "Opening this request could not be recorded in "
                    + "the audit trail, so it is not shown. Try again shortly.", ReviewPages.BASE_PATH,
                    "Back to the list"));
        }
        return page(200, ReviewPages.casePage(found.get(), session.get().csrf(), Instant.now()));
    }

    @PostMapping(value = ReviewPages.BASE_PATH + "/{id}/approve", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> approve(HttpServletRequest request, @PathVariable("id") String id,
            @RequestParam(value = ReviewPages.CSRF_PARAMETER, required = false) String csrf,
            @RequestParam(value = ReviewPages.WITHHOLD_PARAMETER, required = false) List<String> withhold,
            @RequestParam(value = ReviewPages.NOTE_PARAMETER, required = false) String note) {
        return decide(request, id, csrf, (session, found) -> {
            Set<SecurityLabel> withheld = ReviewPages.withheldFromForm(withhold);
            Reviewer reviewer = new Reviewer(session.member().id(), session.member().roles());
            if (found.escalation().needsSecondApproval() && found.first().isEmpty()) {
                return new Decided(AuditOutcome.ESCALATE, ReviewError.FIRST_APPROVAL.code(),
                        (connection, seq) -> cases.using(connection).approve(id, reviewer, withheld, note),
                        "Approved, waiting for a second approval", "Your approval is recorded. This request needs"
                                + " a second approval by another reviewer before anything is released.");
            }
            return new Decided(withheld.isEmpty() ? AuditOutcome.PERMIT : AuditOutcome.REDACT, "",
                    (connection, seq) -> cases.using(connection).approve(id, reviewer, withheld, note),
                    "Approved", "The request is approved; the requester will receive what you released when it "
                            + "next asks.");
        });
    }

    @PostMapping(value = ReviewPages.BASE_PATH + "/{id}/refuse", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> refuse(HttpServletRequest request, @PathVariable("id") String id,
            @RequestParam(value = ReviewPages.CSRF_PARAMETER, required = false) String csrf,
            @RequestParam(value = ReviewPages.REASON_PARAMETER, required = false) String reason) {
        return decide(request, id, csrf, (session, found) -> {
            Reviewer reviewer = new Reviewer(session.member().id(), session.member().roles());
            return new Decided(AuditOutcome.DENY, "DG-5101",
                    (connection, seq) -> cases.using(connection).refuse(id, reviewer, reason),
                    "Refused", "The request is refused; the requester will be told your reason when it next asks.");
        });
    }

    @PostMapping(value = ReviewPages.BASE_PATH + "/{id}/ask", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> ask(HttpServletRequest request, @PathVariable("id") String id,
            @RequestParam(value = ReviewPages.CSRF_PARAMETER, required = false) String csrf,
            @RequestParam(value = ReviewPages.QUESTION_PARAMETER, required = false) String question) {
        return decide(request, id, csrf, (session, found) -> {
            Reviewer reviewer = new Reviewer(session.member().id(), session.member().roles());
            return new Decided(AuditOutcome.ESCALATE, ReviewError.INFORMATION_REQUESTED.code(),
                    (connection, seq) -> cases.using(connection).ask(id, reviewer, question),
                    "Question sent", "The requester will see your question when it next asks about this request."
                            + " The request comes back to the list when it answers.");
        });
    }

    @GetMapping(value = ReviewPages.BASE_PATH + "/{id}/task", produces = "application/fhir+json")
    ResponseEntity<String> task(HttpServletRequest request, @PathVariable("id") String id) {
        Optional<StaffSessions.Session> session = sessionOf(request);
        if (session.isEmpty()) {
            return signInFirst(request);
        }
        Optional<ReviewCase> found = cases.find(id).filter(c -> session.get().member().roles().contains(c.reviewerRole()));
        if (found.isEmpty()) {
            return ResponseEntity.status(404).contentType(MediaType.parseMediaType("application/fhir+json"))
                    .header("Cache-Control", "no-store")
                    .body("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                            + "\"code\":\"not-found\",\"diagnostics\":\"DG-5001 there is no review case with this id"
                            + " for your role\"}]}");
        }
        return ResponseEntity.status(200).contentType(MediaType.parseMediaType("application/fhir+json"))
                .header("Cache-Control", "no-store")
                .body(ReviewTasks.json(ReviewTasks.task(found.get())));
    }

    /** A reviewer's decision: how it is recorded, and the change to the case that commits with the record. */
    private record Decided(AuditOutcome outcome, String code, TransactionalWrite change, String title, String text) {}

    private interface Decision {
        Decided decide(StaffSessions.Session session, ReviewCase found);
    }

    private ResponseEntity<String> decide(HttpServletRequest request, String id, String csrf, Decision decision) {
        Optional<StaffSessions.Session> session = sessionOf(request);
        if (session.isEmpty()) {
            return signInFirst(request);
        }
        if (!session.get().csrfMatches(csrf)) {
            return page(403, ReviewPages.message("Not accepted", "This form is out of date or did not come from "
                    + "the guard's own page. Open the request again and decide there.", ReviewPages.BASE_PATH,
                    "Back to the list"));
        }
        Optional<ReviewCase> found = cases.find(id)
                .filter(c -> session.get().member().roles().contains(c.reviewerRole()));
        if (found.isEmpty()) {
            return page(404, ReviewPages.message("No such request", "There is no request with this id waiting for "
                    + "your role.", ReviewPages.BASE_PATH, "Back to the list"));
        }
        Decided decided;
        try {
            decided = decision.decide(session.get(), found.get());
            recorder.record(ReviewAudit.entry(found.get(), decided.outcome(), decided.code(),
                    session.get().member().id(), AuditConfiguration.instanceName(properties), Instant.now()),
                    List.of(), List.of(decided.change()));
        } catch (ReviewException | IllegalArgumentException e) {
            return page(409, ReviewPages.message("Not recorded", e.getMessage(), ReviewPages.casePath(id),
                    "Back to the request"));
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof ReviewException)) {
                cause = cause.getCause();
            }
            if (cause instanceof ReviewException review) {
                return page(409, ReviewPages.message("Not recorded", review.getMessage(), ReviewPages.casePath(id),
                        "Back to the request"));
            }
            return page(503, ReviewPages.message("Not recorded", "Your decision could not be recorded in the audit "
                    + "trail, so it was not made. Try again shortly.", ReviewPages.casePath(id), "Back to the request"));
        }
        return page(200, ReviewPages.message(decided.title(), decided.text(), ReviewPages.BASE_PATH,
                "Back to the list"));
    }

    private Optional<StaffSessions.Session> sessionOf(HttpServletRequest request) {
        return StaffAccess.session(request, sessions);
    }

    private static ResponseEntity<String> signInFirst(HttpServletRequest request) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/staff/login").build();
    }

    private static ResponseEntity<String> page(int status, String html, String... cookies) {
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
                .header(HttpHeaders.SET_COOKIE, cookies)
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                        + "frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY")
                .body(html);
    }
}

package org.disclosureguard.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.TransactionalWrite;
import org.disclosureguard.gateway.DisclosureRecorder;
import org.disclosureguard.gateway.HeldRequests;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.review.Release;
import org.disclosureguard.review.RequestShape;
import org.disclosureguard.review.ReviewCase;
import org.disclosureguard.review.ReviewCases;
import org.disclosureguard.review.ReviewError;
import org.disclosureguard.review.ReviewException;
import org.disclosureguard.review.ReviewOutcome;
import org.disclosureguard.staff.StaffAccounts;
import org.disclosureguard.staff.StaffSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires escalation ({@code docs/escalation.md}): the review case store, the gateway's {@link HeldRequests} over it
 * (cases opened and released in the transaction of their audit entries; an approved release re-decided by the
 * policy in force and never wider than the approval), and the hourly sweep that expires unanswered cases.
 */
@Configuration(proxyBeanMethods = false)
class ReviewConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewConfiguration.class);

    /** The store of cases, on the database the audit store has migrated (hence its parameter). */
    @Bean
    ReviewCases reviewCases(DataSource guardDataSource, JdbcAuditStore auditStore, GuardProperties properties) {
        return new ReviewCases(guardDataSource, Clock.systemUTC(), properties.getReview().getExpiry());
    }

    /** Expires unanswered cases every few minutes, each with its audit entry in the same transaction. */
    @Bean
    ReviewExpiry reviewExpiry(ReviewCases cases, DisclosureRecorder recorder, GuardProperties properties,
            ScheduledExecutorService auditCheckpoints) {
        ReviewExpiry expiry = new ReviewExpiry(cases, recorder, AuditConfiguration.instanceName(properties));
        auditCheckpoints.scheduleWithFixedDelay(expiry::sweep, 1, 5, TimeUnit.MINUTES);
        return expiry;
    }

    /** The sweep that expires unanswered cases. */
    static final class ReviewExpiry {
        private final ReviewCases cases;
        private final DisclosureRecorder recorder;
        private final String instance;

        ReviewExpiry(ReviewCases cases, DisclosureRecorder recorder, String instance) {
            this.cases = cases;
            this.recorder = recorder;
            this.instance = instance;
        }

        /** Expires every case past its expiry now; returns how many this sweep expired. */
        int sweep() {
            int expired = 0;
            try {
                Instant now = Clock.systemUTC().instant();
                for (ReviewCase found : cases.expiring(now, 500)) {
                    try {
                        recorder.record(ReviewAudit.entry(found, AuditOutcome.DENY, ReviewError.EXPIRED.code(), "",
                                instance, now), List.of(), List.of((connection, seq) -> {
                                    if (!cases.using(connection).expire(found.id(), now)) {
                                        throw new ReviewException(ReviewError.ALREADY_DECIDED,
                                                "case " + found.id() + " was decided meanwhile");
                                    }
                                }));
                        expired++;
                    } catch (RuntimeException e) {
                        LOG.debug("Case {} was not expired now: {}", found.id(), e.getMessage());
                    }
                }
                if (expired > 0) {
                    LOG.info("{} review case(s) expired unanswered", expired);
                }
            } catch (RuntimeException e) {
                LOG.warn("Review cases could not be expired now; tried again later: {}", e.getMessage());
            }
            return expired;
        }
    }

    @Bean
    StaffAccounts staffAccounts(GuardProperties properties) {
        return properties.getReview().getStaffFile() == null ? StaffAccounts.none()
                : StaffAccounts.load(properties.getReview().getStaffFile());
    }

    /** Staff sign-in with OpenID Connect, when {@code guard.review.oidc.issuer} is set. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty("guard.review.oidc.issuer")
    org.disclosureguard.staff.OidcSignIn oidcSignIn(GuardProperties properties) {
        GuardProperties.Oidc oidc = properties.getReview().getOidc();
        java.util.Map<String, org.disclosureguard.staff.StaffMember> staff = new java.util.HashMap<>();
        for (GuardProperties.Oidc.Member m : oidc.getStaff()) {
            if (m.getId() == null || m.getId().isBlank() || m.getRoles().isEmpty()) {
                throw new IllegalArgumentException("guard.review.oidc.staff: every member needs an id (the value of "
                        + "the claim " + oidc.getStaffClaim() + ") and at least one role");
            }
            if (staff.put(m.getId(), new org.disclosureguard.staff.StaffMember(m.getId(),
                    m.getName() == null ? m.getId() : m.getName(), java.util.Set.copyOf(m.getRoles()))) != null) {
                throw new IllegalArgumentException("guard.review.oidc.staff: '" + m.getId() + "' is listed twice");
            }
        }
        return new org.disclosureguard.staff.OidcSignIn(new org.disclosureguard.staff.OidcSignIn.Settings(
                oidc.getIssuer(), oidc.getClientId(), oidc.getClientSecret(), oidc.getRedirectUri(),
                oidc.getStaffClaim(), staff));
    }

    @Bean
    StaffSessions staffSessions() {
        return new StaffSessions(Duration.ofMinutes(30));
    }

    @Bean
    HeldRequests heldRequests(ReviewCases cases, PolicyStore policies) {
        return new HeldRequests() {
            @Override
            public Hold hold(RequestContext context, Decision decision, String resourceId, String patientId,
                    String auditRequestId) {
                String caseId = cases.newId();
                RequestShape shape = new RequestShape(resourceId, patientId);
                TransactionalWrite open = (connection, seq) ->
                        cases.using(connection).open(context, decision, shape, auditRequestId, caseId);
                return new Hold(caseId, open);
            }

            @Override
            public Optional<State> state(String caseId, String requesterId) {
                return cases.findForRequester(caseId, requesterId).map(found -> state(found));
            }

            private State state(ReviewCase found) {
                ReviewOutcome outcome = ReviewOutcome.of(found, Clock.systemUTC().instant());
                if (outcome instanceof ReviewOutcome.Pending pending) {
                    return new State.Waiting(pending.waited(), pending.question().orElse(""));
                }
                if (outcome instanceof ReviewOutcome.Refused refused) {
                    return new State.Closed(refused.error().code(), refused.reason().isBlank()
                            ? ReviewError.REFUSED_BY_REVIEWER.summary() : refused.reason());
                }
                if (outcome instanceof ReviewOutcome.Expired) {
                    return new State.Closed(ReviewError.EXPIRED.code(), "Nobody at the practice decided this "
                            + "request in time and it has expired. Nothing has been released; ask again if you "
                            + "still need it.");
                }
                if (outcome instanceof ReviewOutcome.Released) {
                    return new State.AlreadyReleased();
                }
                if (outcome instanceof ReviewOutcome.Withdrawn) {
                    return new State.Closed(ReviewError.WITHDRAWN.code(), "You withdrew this request; nothing was "
                            + "released.");
                }
                Release release = Release.redecide(found, policies.current());
                if (release instanceof Release.Refuse refuse) {
                    return new State.Closed(refuse.code().isBlank() ? "DG-2102" : refuse.code(),
                            refuse.reason().isBlank() ? "The practice's disclosure policy no longer releases this."
                                    : refuse.reason());
                }
                Release.Disclose disclose = (Release.Disclose) release;
                return new State.Approved(found.context(), found.request().resourceId(), disclose.redaction(),
                        disclose.obligations(), found.reviewerId(), disclose.current());
            }

            @Override
            public TransactionalWrite withdraw(String caseId, String requesterId) {
                return (connection, seq) -> cases.using(connection).withdraw(caseId, requesterId);
            }

            @Override
            public TransactionalWrite answer(String caseId, String requesterId, String answer) {
                return (connection, seq) -> cases.using(connection).answer(caseId, requesterId, answer);
            }

            @Override
            public TransactionalWrite released(String caseId, String auditRequestId) {
                return (connection, seq) -> cases.using(connection).markReleased(caseId, auditRequestId);
            }
        };
    }
}

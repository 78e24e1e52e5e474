package org.disclosureguard.review;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;

/** Requests the default policy escalates, and a clock tests move by hand. Test support only. */
final class ReviewFixtures {

    static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    static final Duration FOURTEEN_DAYS = Duration.ofDays(14);
    static final PolicyEngine DEFAULT_POLICY = PolicyEngine.defaults();

    static final Requester HOME_OFFICE = Requester.external("demo-immigration-enforcement",
            "Home Office Immigration Enforcement", "immigration-enforcement");
    static final Requester POLICE = Requester.external("demo-police", "Metropolitan Police Service", "police");
    static final Requester COUNCIL = Requester.external("demo-local-authority", "Leeds City Council",
            "local-authority");

    static final SecurityLabel DEMO = SecurityLabel.parse("DEMO");
    static final SecurityLabel DOB = SecurityLabel.parse("DOB");
    static final SecurityLabel IDS = SecurityLabel.parse("IDS");
    static final SecurityLabel LOCIS = SecurityLabel.parse("LOCIS");
    static final SecurityLabel NATIONALITY = SecurityLabel.parse("NATIONALITY");

    private ReviewFixtures() {
    }

    /** GET Patient/9000000009 by immigration enforcement, deportation after serious crime: rule 10 escalates. */
    static RequestContext immigrationRead() {
        return new RequestContext(HOME_OFFICE, "IMMIGENF", "DEPORT-SERIOUS-CRIME", "HO-2026-0042", "DC Smith",
                Interaction.READ, "Patient", Map.of());
    }

    /** GET Patient?identifier=...|9000000009&birthdate=1990-01-01 by the police for serious crime: rule 11. */
    static RequestContext policeSearch() {
        return new RequestContext(POLICE, "CRIMEPREV", "SERIOUS-CRIME", "MPS/123/26", "DS Jones",
                Interaction.SEARCH, "Patient", Map.of(
                        "identifier", List.of("https://fhir.nhs.uk/Id/nhs-number|9000000009"),
                        "birthdate", List.of("1990-01-01")));
    }

    /** GET Patient/9000000017 by the local authority under safeguarding: rule 12, to the safeguarding lead. */
    static RequestContext safeguardingRead() {
        return new RequestContext(COUNCIL, "SAFEGUARD", "SAFEGUARDING", "LCC-CS-77", "J. Patel",
                Interaction.READ, "Patient", Map.of());
    }

    /** The default policy's decision, checked to be an escalation. */
    static Decision escalation(RequestContext context) {
        Decision decision = DEFAULT_POLICY.decideRequest(context);
        if (decision.outcome() != Outcome.ESCALATE) {
            throw new IllegalStateException("expected an escalation, got " + decision);
        }
        return decision;
    }

    /** The same decision needing one approval (the default policy asks two for immigration enforcement). */
    static Decision oneApproval(Decision d) {
        return new Decision(d.outcome(), d.ruleId(), d.policyVersion(), d.stage(), d.redaction(), d.released(),
                d.obligations(), d.reason(), d.reviewerRole(), d.code(), d.trace(), 1);
    }

    /** A clock tests move by hand; safe to read from several threads. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

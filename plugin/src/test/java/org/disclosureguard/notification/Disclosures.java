package org.disclosureguard.notification;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;

/** Disclosure audit entries for the notification tests, with canaries where no notice may look. */
final class Disclosures {

    static final Instant T0 = Instant.parse("2026-11-23T09:30:00.123Z");

    /** Planted in released resource ids, withheld paths, the request target and the response hash. */
    static final List<String> CANARIES = List.of("CANARYRELEASED", "CANARYWITHHELD", "CANARY-1 Acacia Avenue",
            "CANARYPOSTCODE", "CANARYTARGET", "cafebabe");

    static final PlainWords WORDS = PlainWords.fromConformanceResources();
    static final NoticeFactory FACTORY = new NoticeFactory(WORDS, URI.create("https://gp.example/guard/disclosures/"));

    private Disclosures() {
    }

    /** A redacted release to the police about one patient ({@code pat-1}), approved by a Caldicott Guardian. */
    static AuditEntry police(String requestId) {
        return police(requestId, List.of("pat-1"));
    }

    static AuditEntry police(String requestId, List<String> patients) {
        return new AuditEntry(requestId, T0, "guard-1", "met-police-1", "Metropolitan Police", "police", false,
                "jti:abc", "CRIMEPREV", "SERIOUS-CRIME", "CASE-7", "PC 123", "search-type", "Patient",
                "Patient?address-postcode=CANARYPOSTCODE&address=CANARY-1%20Acacia%20Avenue&_id=CANARYTARGET",
                AuditOutcome.REDACT, "police-serious-crime", "sha256:ab", "", 200, patients,
                List.of("Patient/" + patients.get(0), "RelatedPerson/CANARYRELEASED", "RelatedPerson/r2"),
                List.of("Patient/" + patients.get(0) + " address[0].line CANARY-1 Acacia Avenue",
                        "Patient/" + patients.get(0) + " telecom CANARYWITHHELD"),
                List.of("http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R"), "cafebabe".repeat(8),
                "case-9", "Dr Caldicott");
    }

    /** The subjects for {@link #police}: registered with Practitioner/gp-1, NHS number 9000000009. */
    static List<NoticeSubject> subjects(List<String> patients) {
        return patients.stream().map(p -> NoticeSubject.of(p, "Practitioner/gp-1", "900 000 0009")).toList();
    }

    /** A notice for channel tests. */
    static Notice notice(String requestId) {
        return FACTORY.notices(police(requestId), 17, subjects(List.of("pat-1"))).get(0);
    }

    /** A clock that tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void set(Instant to) {
            now = to;
        }

        void advance(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package org.disclosureguard.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Audit entries for tests: a fixed example and seeded random ones. */
final class AuditEntries {

    static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

    private AuditEntries() {
    }

    /** The worked example of docs/audit-format.md. */
    static AuditEntry example() {
        return new AuditEntry("5f0c2a4e-0000-4000-8000-000000000001", Instant.parse("2026-11-23T09:30:00.123Z"),
                "guard-1", "met-police-1", "Metropolitan Police", "police", false, "jti:abc", "HLEGAL", "CRIME",
                "CASE-7", "PC 123", "read", "Patient", "Patient/9000000009", AuditOutcome.REDACT, "police-redact",
                "sha256:ab", "", 200, List.of("9000000009"), List.of("Patient/9000000009"),
                List.of("Patient/9000000009 telecom"),
                List.of("http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R"),
                "00".repeat(32), "", "");
    }

    /** Entry number {@code i} of a reproducible sequence: time T0 + i seconds, one or two of 50 patients. */
    static AuditEntry entry(int i, Random random) {
        List<String> patients = new ArrayList<>();
        patients.add("p" + random.nextInt(50));
        if (random.nextInt(4) == 0) {
            patients.add("p" + random.nextInt(50));
        }
        AuditOutcome outcome = AuditOutcome.values()[random.nextInt(AuditOutcome.values().length)];
        boolean internal = random.nextBoolean();
        return new AuditEntry("req-" + i + "-" + random.nextInt(1_000_000), T0.plusSeconds(i), "guard-" + (i % 2),
                internal ? "practice-loopback" : "requester-" + random.nextInt(5), internal ? "" : "Org é" + i,
                internal ? "practice" : "police", internal, "jti:" + i, "TREAT", "", "", "",
                "read", "Patient", "Patient/" + patients.get(0), outcome, "rule-" + random.nextInt(9), "sha256:1",
                outcome.released() ? "" : "DG-2101", outcome.released() ? 200 : 403, patients,
                outcome.released() ? List.of("Patient/" + patients.get(0)) : List.of(), List.of(),
                List.of("http://terminology.hl7.org/CodeSystem/v3-Confidentiality|N"), "", "", "");
    }

    static List<AuditEntry> entries(int from, int count, Random random) {
        List<AuditEntry> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(entry(i, random));
        }
        return out;
    }
}

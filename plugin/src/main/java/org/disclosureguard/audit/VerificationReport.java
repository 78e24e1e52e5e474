package org.disclosureguard.audit;

import java.time.Duration;
import java.util.List;

/**
 * What {@link AuditVerifier} found. Immutable.
 *
 * @param entriesChecked the entries read
 * @param checkpointsChecked the checkpoints read (valid or not)
 * @param lastSeq the sequence number of the last entry read (0 for none)
 * @param lastSignedSeq the sequence number of the newest checkpoint with a valid signature that matches the chain
 *     (0 for none)
 * @param elapsed how long verification took
 * @param problems everything found wrong, in the order found; empty when the chain verifies
 */
public record VerificationReport(long entriesChecked, long checkpointsChecked, long lastSeq, long lastSignedSeq,
        Duration elapsed, List<VerificationProblem> problems) {

    public VerificationReport {
        problems = List.copyOf(problems);
    }

    /** Whether no problem was found. */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** Entries after the newest valid checkpoint: covered by the hash chain but not yet by a signature. */
    public long unsignedEntries() {
        return Math.max(0, lastSeq - lastSignedSeq);
    }

    /** Whether a problem of this kind was found. */
    public boolean has(ProblemKind kind) {
        return problems.stream().anyMatch(p -> p.kind() == kind);
    }

    /** The report for a person: a summary line, then one line per problem. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(ok() ? "OK" : "TAMPERING FOUND").append(": ")
                .append(entriesChecked).append(" entries and ")
                .append(checkpointsChecked).append(checkpointsChecked == 1 ? " checkpoint" : " checkpoints")
                .append(" checked in ")
                .append(elapsed.toMillis()).append(" ms; last seq ").append(lastSeq)
                .append(", last signed seq ").append(lastSignedSeq)
                .append(" (").append(unsignedEntries()).append(" entries not yet covered by a checkpoint)");
        if (!ok()) {
            out.append("; ").append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        }
        out.append('\n');
        for (VerificationProblem p : problems) {
            out.append("  ").append(p).append('\n');
        }
        return out.toString();
    }
}

package org.disclosureguard.audit;

import java.util.Objects;

/**
 * One thing wrong with the audit chain. Immutable.
 *
 * @param kind what is wrong
 * @param seq the sequence number where it is (of the entry, or of the checkpoint for checkpoint problems)
 * @param message what was found, for a person
 */
public record VerificationProblem(ProblemKind kind, long seq, String message) {

    public VerificationProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return kind + " at seq " + seq + ": " + message;
    }
}

package org.disclosureguard.audit;

/** What {@link AuditVerifier} found wrong with the chain or its checkpoints. The names are part of its output. */
public enum ProblemKind {
    /**
     * An entry differs from what was hashed: its canonical bytes, its hash, a queryable column or its patient index
     * rows were changed, or it was rewritten with a recomputed hash (then the next entry no longer links to it).
     */
    EDITED,
    /** Entries are missing from the middle of the chain: a gap in the sequence, or later entries renumbered down. */
    DELETED,
    /** An entry was added: later entries were renumbered up to make room, or it sits beyond the chain head. */
    INSERTED,
    /** Two entries exchanged places. */
    REORDERED,
    /**
     * Entries are missing from the end: the head row or a signed checkpoint names a sequence number beyond the last
     * entry.
     */
    TRUNCATED,
    /**
     * A validly signed checkpoint names a hash that the entry at its sequence number no longer has: the chain up to
     * there was rewritten after it was signed.
     */
    REWRITTEN,
    /** The head row does not match the last entry. */
    HEAD_MISMATCH,
    /** A checkpoint's signature does not verify under its key: the checkpoint was edited or forged. */
    FORGED_CHECKPOINT,
    /** A checkpoint names a key id that is not among the trusted public keys. */
    UNKNOWN_KEY
}

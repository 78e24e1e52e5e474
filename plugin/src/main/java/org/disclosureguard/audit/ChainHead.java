package org.disclosureguard.audit;

/**
 * The newest entry of the chain, as recorded in the head row. Immutable.
 *
 * @param seq its sequence number, 0 for an empty chain
 * @param hash its hash (hex), 64 zeros for an empty chain
 */
public record ChainHead(long seq, String hash) {

    /** Whether no entry has been appended yet. */
    public boolean empty() {
        return seq == 0;
    }
}

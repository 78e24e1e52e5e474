package org.disclosureguard.audit;

/**
 * Where an appended entry sits in the chain. Immutable.
 *
 * @param seq its sequence number (1, 2, 3, ... without gaps)
 * @param hash its entry hash, 64 lower-case hex digits
 */
public record AppendResult(long seq, String hash) {
}

package org.disclosureguard.audit;

/**
 * An audit entry as read back from the chain: the entry decoded from its stored canonical bytes, with its place in
 * the chain. Immutable.
 *
 * @param seq its sequence number
 * @param entry the entry
 * @param prevHash the previous entry's hash (hex; 64 zeros for seq 1)
 * @param hash its entry hash (hex)
 */
public record StoredEntry(long seq, AuditEntry entry, String prevHash, String hash) {
}

/**
 * The {@code audit} command line (picocli): {@code audit verify} checks the audit chain and its signed checkpoints in
 * a database, {@code audit keys generate|rotate} manage the checkpoint signing keys. See {@code docs/audit-format.md}
 * and {@code docs/operations.md}.
 *
 * <p>Depends on {@code org.disclosureguard.audit}, {@code org.disclosureguard.database} and picocli only; nothing in
 * the guard depends on it.
 */
package org.disclosureguard.audit.cli;

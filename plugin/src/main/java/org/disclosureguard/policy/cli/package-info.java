/**
 * The {@code policy} command line: {@code policy check FILE} validates a policy file, {@code policy test DIR} runs
 * a folder of scenario files against a policy and prints each result with its rule trace, {@code policy explain
 * --scenario FILE} prints one decision and why it was made.
 *
 * <p>Depends on picocli and {@code org.disclosureguard.policy} only; never on Spring, the servlet API, the gateway
 * or the application wiring.
 */
package org.disclosureguard.policy.cli;

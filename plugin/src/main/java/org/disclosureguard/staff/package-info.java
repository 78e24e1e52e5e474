/**
 * Practice staff who decide held requests: the accounts file (bcrypt password hashes, roles such as
 * {@code caldicott-guardian}), and signed-in sessions with their CSRF tokens. Core package: Bouncy Castle, Caffeine
 * and {@code org.disclosureguard.config}; no Spring, no servlet API.
 */
package org.disclosureguard.staff;

/**
 * Practice staff who decide held requests: the accounts file (bcrypt password hashes, roles such as
 * {@code caldicott-guardian}), sign-in with an OpenID Connect provider ({@link org.disclosureguard.staff.OidcSignIn}),
 * and signed-in sessions with their CSRF tokens. Core package: Bouncy Castle, Caffeine, the Nimbus OAuth 2.0 / OpenID
 * Connect SDK and {@code org.disclosureguard.config}; no Spring, no servlet API.
 */
package org.disclosureguard.staff;

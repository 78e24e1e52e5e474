/**
 * Escalation review: a request the policy escalates becomes a persisted {@link org.disclosureguard.review.ReviewCase}
 * that a reviewer (the Caldicott Guardian, the safeguarding lead) approves, narrows or refuses; the requester polls
 * for the {@link org.disclosureguard.review.ReviewOutcome}; at release time the policy is run again and the release
 * can only be narrower than the approval ({@link org.disclosureguard.review.Release}). {@link
 * org.disclosureguard.review.ReviewPages} renders the reviewer's web pages as pure functions. The lifecycle is
 * described in {@code docs/escalation.md}.
 *
 * <p>Core package: depends on the JDK (JDBC), Jackson, {@code policy}, {@code labels}, {@code redaction} and the
 * conformance resources of {@code fhir-profiles}. It must not depend on Spring, the servlet API, {@code gateway},
 * {@code upstream}, {@code audit} or {@code app}; the gateway and the application wire it.
 */
package org.disclosureguard.review;

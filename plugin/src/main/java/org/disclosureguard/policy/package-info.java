/**
 * The disclosure policy: a declarative file of ordered rules whose conditions are CEL expressions, compiled once
 * into a {@link org.disclosureguard.policy.PolicyEngine} that turns a request (and, after the upstream call, each
 * resource about to be released) into a {@link org.disclosureguard.policy.Decision}: PERMIT, REDACT, DENY or
 * ESCALATE, naming the rule that decided, the policy version and the trace of every rule evaluated. The combining
 * algorithm is stated once, on {@link org.disclosureguard.policy.PolicyEngine}; the language is described in
 * {@code docs/policy.md}. {@link org.disclosureguard.policy.PolicyStore} holds the policy in force and reloads it
 * without a restart; {@link org.disclosureguard.policy.ScenarioRunner} runs scenario files against a policy.
 *
 * <p>Core package: depends on CEL ({@code dev.cel}), SnakeYAML through {@code org.disclosureguard.config}, and on
 * the values of {@code org.disclosureguard.labels} and {@code org.disclosureguard.redaction}. It must not depend
 * on Spring, the servlet API, HAPI FHIR's server, {@code gateway}, {@code upstream} or {@code app}: requesters
 * arrive already authenticated, as values.
 */
package org.disclosureguard.policy;

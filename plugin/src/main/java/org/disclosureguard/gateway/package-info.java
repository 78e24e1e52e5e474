/**
 * The gateway: a HAPI FHIR plain server whose bound interactions define what the guard answers, and the
 * response path that identifies the requester, decides the request by policy, fetches from the practice server,
 * labels the JSON, decides and redacts each resource, and rewrites its links. Everything that can go wrong
 * becomes a {@link org.disclosureguard.gateway.GuardError} (or a {@link org.disclosureguard.gateway.Refusal} with
 * an identity or policy code) answered as an OperationOutcome, and nothing from a failed exchange is released.
 *
 * <p>Depends on HAPI's server framework, the servlet API, {@code labels}, {@code redaction}, {@code policy},
 * {@code identity} and {@code upstream}; never on Spring (the {@code app} package wires it) and never on
 * {@code app}.
 */
package org.disclosureguard.gateway;

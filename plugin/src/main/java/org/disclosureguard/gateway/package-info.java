/**
 * The gateway: a HAPI FHIR plain server whose bound interactions define what the guard answers, and the
 * response path that fetches from the practice server, labels the JSON and rewrites its links. Everything that
 * can go wrong becomes a {@link org.disclosureguard.gateway.GuardError} answered as an OperationOutcome, and
 * nothing from a failed exchange is released.
 *
 * <p>Depends on HAPI's server framework, the servlet API, {@code labels} and {@code upstream}; never on Spring
 * (the {@code app} package wires it) and never on {@code app}.
 */
package org.disclosureguard.gateway;

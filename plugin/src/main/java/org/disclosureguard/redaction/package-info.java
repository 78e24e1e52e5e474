/**
 * Redaction: the enforcement step of a policy decision that withholds labelled elements. A {@link
 * org.disclosureguard.redaction.Redaction} names the security labels to withhold (and whether to suppress
 * search totals); {@link org.disclosureguard.redaction.TreeRedactor} applies it to already-labelled FHIR JSON
 * held as a Jackson tree, and {@link org.disclosureguard.redaction.ModelRedactor} applies it to HAPI FHIR R4
 * model objects (the reference both are held to). Both return a {@link
 * org.disclosureguard.redaction.RedactionResult} listing what was withheld, for the audit record.
 *
 * <p>Core package: depends on HAPI FHIR's model and element definitions, Jackson and {@code
 * org.disclosureguard.labels} only. It must not depend on Spring, on the servlet API, or on any other package of
 * the guard.
 */
package org.disclosureguard.redaction;

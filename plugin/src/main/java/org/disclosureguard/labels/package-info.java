/**
 * Security labels on FHIR resources: the label configuration, its compilation into a plan, and the two
 * labellers that apply it (one on the JSON tree for the response path, one on HAPI's object model as the
 * reference and for in-process use).
 *
 * <p>Core package: depends on HAPI FHIR's model and Jackson only. It must not depend on Spring, on the
 * servlet API, or on any other package of the guard except {@code org.disclosureguard.config}.
 */
package org.disclosureguard.labels;

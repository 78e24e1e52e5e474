/**
 * Test support shared by the guard's tests: the real FHIR data beside the checkout ({@code ../shared/data})
 * and the practice FHIR server process that integration tests put behind the guard.
 *
 * <p>It may depend on HAPI FHIR's R4 model, the JDK and the {@code synthetic-uk-data} test fixtures. It must
 * not depend on the guard's own packages, so that tests of every package can use it without tying them
 * together, and nothing under {@code src/main} may depend on it.
 */
package org.disclosureguard.testsupport;

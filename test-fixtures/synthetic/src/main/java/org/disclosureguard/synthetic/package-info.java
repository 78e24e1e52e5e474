/**
 * Synthetic UK GP data for tests, demonstrations and load runs: a deterministic generator of FHIR R4
 * practices, practitioners, patients, related persons and encounters ({@link
 * org.disclosureguard.synthetic.SyntheticUkGenerator}), the conversion of the project's shared real-world
 * FHIR files into loadable transactions ({@link org.disclosureguard.synthetic.SharedDataBundles}), and a
 * plain HTTP loader for any FHIR R4 server ({@link org.disclosureguard.synthetic.FhirServerLoader}).
 *
 * <p>Everything generated here is fictitious by construction: NHS numbers come from the 999 range used
 * for NHS test data, telephone numbers from Ofcom's drama ranges, e-mail addresses from the reserved
 * {@code example.com} and {@code example.org} domains.
 *
 * <p>This package depends only on the JDK, HAPI FHIR's R4 model and parsers, and SLF4J. It must not depend
 * on the guard ({@code org.disclosureguard} outside this package tree), on Spring, or on any server
 * runtime: the guard's tests depend on it, never the other way round.
 */
package org.disclosureguard.synthetic;

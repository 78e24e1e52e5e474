/**
 * JMH benchmarks of the guard's per-resource response-path work: parsing and writing FHIR JSON as a Jackson tree,
 * labelling it, and the same work through HAPI FHIR's object model for comparison. The sources live in
 * {@code src/jmh/java} and are compiled and run only with the Maven profile {@code bench}; they are never part of
 * the unit tests or of a plain {@code mvn verify}. How to run them and the latest figures are in
 * {@code docs/performance.md}.
 *
 * <p>May depend on any guard package, on HAPI FHIR and on JMH. Nothing in the guard, and no test, may depend on
 * this package.
 */
package org.disclosureguard.bench;

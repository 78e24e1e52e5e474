/**
 * The end-to-end load benchmark: the same workloads sent, in one run, straight to the practice FHIR server (L0),
 * through a pass-through proxy on the guard's stack (L1), through the guard with no label rules (L2, the floor:
 * parse, link rewriting, re-encode) and through the full guard (L3). {@link
 * org.disclosureguard.bench.load.LoadHarness} starts every server as its own process, drives the load, reads each
 * guard process's CPU time and peak heap, and writes a Markdown report. The classes the child processes run
 * ({@link org.disclosureguard.bench.load.GuardLauncher}, {@link org.disclosureguard.bench.load.HeapProbe},
 * {@link org.disclosureguard.bench.load.PassThroughApplication}) live here too, so that the child processes need
 * nothing but the harness's own class path.
 *
 * <p>Compiled and run only with the Maven profile {@code bench} and {@code -Ddg.bench=load}; never part of the
 * unit tests or of {@code mvn verify}. How to run it and the latest figures are in {@code docs/performance.md}.
 *
 * <p>May depend on any guard package, on the synthetic data module, on HAPI FHIR, Jackson, Spring Boot and the
 * JDK. Nothing in the guard, and no test, may depend on this package.
 */
package org.disclosureguard.bench.load;

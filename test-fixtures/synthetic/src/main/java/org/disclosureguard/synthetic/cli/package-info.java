/**
 * The {@code synthetic-uk-data} command line: {@code generate} writes the synthetic dataset as
 * transaction bundles, {@code load} waits for a FHIR server and loads the synthetic and, optionally, the
 * shared real-world data into it. Built on picocli; packaged as {@code target/synthetic-uk-data-cli.jar}.
 *
 * <p>Depends on {@code org.disclosureguard.synthetic} and picocli only. Nothing else may depend on this
 * package: it is an entry point, not a library.
 */
package org.disclosureguard.synthetic.cli;

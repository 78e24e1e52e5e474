/**
 * The guard's FHIR R4 conformance resources (CodeSystems, ValueSets, ConceptMaps and the HL7 DS4P
 * security label extension StructureDefinitions) and the canonical URLs that name them.
 *
 * <p>The resources are JSON files on the classpath under {@code org/disclosureguard/fhir/}, listed
 * in {@code index.txt}; {@link org.disclosureguard.profiles.FhirProfiles} finds and opens them.
 * Their meaning is described in {@code docs/vocabulary.md}.
 *
 * <p>This package depends on the JDK only. It must not depend on HAPI FHIR, Spring or any other
 * module of the guard, so that every module (and tools outside the guard) can use the constants
 * and load the files with their own FHIR parser.
 */
package org.disclosureguard.profiles;

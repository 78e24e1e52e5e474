/**
 * The demo practice FHIR R4 server: a HAPI FHIR JPA server on H2 that stands in for a GP practice's
 * FHIR server in the demo and in the guard's integration tests.
 *
 * <p>It runs as its own process on the Spring Boot 3.5 line with HAPI FHIR JPA 8.8.0. It must not
 * depend on the guard ({@code org.disclosureguard} modules on the Spring Boot 4 line), nor on the
 * synthetic data generator: data is loaded into it over HTTP like into any FHIR server.
 */
package org.disclosureguard.practice;

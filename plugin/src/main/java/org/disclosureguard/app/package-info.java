/**
 * The Spring Boot application: configuration properties and the wiring of the core packages into a running
 * gateway. The only package that depends on Spring; nothing depends on it.
 */
package org.disclosureguard.app;

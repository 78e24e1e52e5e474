/**
 * Reading the guard's declarative configuration files (label configuration, and later policy) with
 * line-numbered errors. Core package: depends on SnakeYAML only, never on Spring or other guard packages.
 */
package org.disclosureguard.config;

package org.disclosureguard.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the project's shared real-world FHIR data: the directory named by the system property
 * {@value #PROPERTY}, or {@value #DEFAULT} relative to the working directory (the plugin module when the
 * benchmarks run through Maven). Stateless and thread-safe.
 */
final class SharedData {

    static final String PROPERTY = "dg.shared.data";
    static final String DEFAULT = "../../shared/data";

    private SharedData() {}

    /**
     * @return the absolute, normalised data directory
     * @throws IllegalStateException if it is not a directory
     */
    static Path directory() {
        Path dir = Path.of(System.getProperty(PROPERTY, DEFAULT)).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the shared FHIR data is not at " + dir
                    + ": set -D" + PROPERTY + "=<directory holding pds/ and synthea/>");
        }
        return dir;
    }
}

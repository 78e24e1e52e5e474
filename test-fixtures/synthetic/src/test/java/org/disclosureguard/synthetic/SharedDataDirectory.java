package org.disclosureguard.synthetic;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared real-world data through the {@code dg.shared.data} system property, or fails clearly. */
final class SharedDataDirectory {

    static final String PROPERTY = "dg.shared.data";

    private SharedDataDirectory() {
    }

    static Path require() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            throw new AssertionError("System property " + PROPERTY + " is not set. Surefire sets it to "
                    + "${maven.multiModuleProjectDirectory}/../shared/data; when running tests elsewhere pass "
                    + "-D" + PROPERTY + "=/path/to/shared/data (the folder holding pds/ and synthea/).");
        }
        Path directory = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory.resolve("pds")) || !Files.isDirectory(directory.resolve("synthea"))) {
            throw new AssertionError("System property " + PROPERTY + " points at " + directory
                    + ", which does not hold pds/ and synthea/. Point it at the shared data folder beside the checkout.");
        }
        return directory;
    }
}

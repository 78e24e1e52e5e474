package org.disclosureguard.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.disclosureguard.profiles.ConformanceFiles.ListedFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The HL7 DS4P label extension definitions are shipped exactly as HL7 published them: each file in
 * the shared HL7 data ({@code ds4p/StructureDefinition/<id>.json}) is on the classpath as
 * {@code StructureDefinition-<id>.json}, byte for byte.
 */
class Ds4pStructureDefinitionsTest {

    @TestFactory
    Stream<DynamicTest> eachHl7Ds4pDefinition_isShippedByteForByte() throws IOException {
        Path originals = ConformanceFiles.sharedData().resolve("ds4p").resolve("StructureDefinition");
        List<Path> files;
        try (Stream<Path> list = Files.list(originals)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("HL7 DS4P StructureDefinitions in %s", originals).hasSize(3);

        return files.stream().map(original -> dynamicTest(original.getFileName().toString(), () -> {
            String shippedName = "StructureDefinition-" + original.getFileName();
            ListedFile shipped = ConformanceFiles.listed().stream()
                    .filter(f -> f.fileName().equals(shippedName))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(shippedName + " is not listed in the index"));
            assertThat(shipped.bytes()).isEqualTo(ConformanceFiles.readAll(original));
        }));
    }
}

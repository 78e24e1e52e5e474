package org.disclosureguard.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The index on the classpath, the files in the source folder and the files the index lists must be
 * the same set, so that a stray file (say {@code Foo copy.json}) or a forgotten one fails the build.
 */
class FhirProfilesIndexTest {

    @Test
    void index_listsExactlyTheFilesInTheSourceFolder() throws IOException {
        Path folder = ConformanceFiles.sourceFolder();
        assertThat(folder).as("source folder of the conformance resources").isDirectory();

        List<String> onDisk;
        try (Stream<Path> files = Files.list(folder)) {
            onDisk = files.map(f -> f.getFileName().toString())
                    .filter(name -> !name.equals(FhirProfiles.INDEX_FILE))
                    .sorted()
                    .toList();
        }
        List<String> listed = FhirProfiles.resourcePaths().stream()
                .map(p -> p.substring(FhirProfiles.RESOURCE_FOLDER.length()))
                .sorted()
                .toList();

        assertThat(listed)
                .as("files in %s must be exactly those listed in %s (a file on disk but not in the index is a"
                        + " stray copy or a forgotten entry)", folder, FhirProfiles.INDEX_FILE)
                .containsExactlyElementsOf(onDisk);
    }

    @Test
    void classpathIndex_isTheSourceIndex() throws IOException {
        byte[] source = Files.readAllBytes(ConformanceFiles.sourceFolder().resolve(FhirProfiles.INDEX_FILE));
        byte[] classpath;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream(FhirProfiles.RESOURCE_FOLDER + FhirProfiles.INDEX_FILE)) {
            assertThat(in).as("index on the classpath").isNotNull();
            classpath = in.readAllBytes();
        }
        assertThat(new String(classpath, StandardCharsets.UTF_8))
                .isEqualTo(new String(source, StandardCharsets.UTF_8));
    }

    @Test
    void resourcePaths_areClasspathPathsInTheResourceFolder() {
        assertThat(FhirProfiles.resourcePaths())
                .isNotEmpty()
                .doesNotHaveDuplicates()
                .allSatisfy(path -> assertThat(path)
                        .startsWith(FhirProfiles.RESOURCE_FOLDER)
                        .endsWith(".json")
                        .doesNotStartWith("/"));
    }

    @Test
    void everyListedPath_opensAsNonEmptyJson() {
        assertThat(ConformanceFiles.listed())
                .allSatisfy(file -> assertThat(file.json().strip()).as(file.fileName()).startsWith("{"));
    }

    @Test
    void open_withAPathNotInTheIndex_isRejected() {
        assertThatThrownBy(() -> FhirProfiles.open(FhirProfiles.RESOURCE_FOLDER + FhirProfiles.INDEX_FILE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not a Disclosure Guard conformance resource");
        assertThatThrownBy(() -> FhirProfiles.open("CodeSystem-dg-sensitivity.json"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resourcePaths_cannotBeModified() {
        List<String> paths = FhirProfiles.resourcePaths();
        assertThatThrownBy(() -> paths.add(FhirProfiles.RESOURCE_FOLDER + "Foo copy.json"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}

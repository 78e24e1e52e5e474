package org.disclosureguard.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Test access to the conformance files: as listed on the classpath, as parsed R4 resources, and as
 * they lie in the source folder and in the shared HL7 data. Stateless apart from a lazily parsed,
 * immutable list; safe to use from any test.
 */
final class ConformanceFiles {

    static final FhirContext FHIR = FhirContext.forR4Cached();

    /** One listed file: its classpath path and its bytes. */
    record ListedFile(String path, byte[] bytes) {

        String fileName() {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        String json() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** Parses strictly: unknown elements and invalid values are errors, not warnings. */
        Resource parseStrictly() {
            IParser parser = FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
            return (Resource) parser.parseResource(json());
        }

        @Override
        public String toString() {
            return fileName();
        }
    }

    /** A listed file with its parsed resource. */
    record Parsed(ListedFile file, Resource resource) {

        String url() {
            return resource instanceof MetadataResource m ? m.getUrl() : null;
        }

        /** True for resources this project authors, false for the HL7 DS4P files it ships as-is. */
        boolean isLocal() {
            String url = url();
            return url != null && url.startsWith(FhirProfiles.CANONICAL_BASE);
        }

        String typeAndId() {
            return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        }

        @Override
        public String toString() {
            return file.fileName();
        }
    }

    private ConformanceFiles() {
    }

    static List<ListedFile> listed() {
        return FhirProfiles.resourcePaths().stream().map(ConformanceFiles::read).toList();
    }

    static List<Parsed> parsed() {
        return ParsedHolder.ALL;
    }

    static List<CodeSystem> codeSystems() {
        return ofType(CodeSystem.class);
    }

    static List<ValueSet> valueSets() {
        return ofType(ValueSet.class);
    }

    static List<ConceptMap> conceptMaps() {
        return ofType(ConceptMap.class);
    }

    static List<StructureDefinition> structureDefinitions() {
        return ofType(StructureDefinition.class);
    }

    static CodeSystem codeSystem(String url) {
        return codeSystems().stream()
                .filter(cs -> cs.getUrl().equals(url))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No CodeSystem " + url + " in the conformance files"));
    }

    static <T extends Resource> List<T> ofType(Class<T> type) {
        return parsed().stream()
                .map(Parsed::resource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    /** The source folder of the resources, found from the module's base directory. */
    static Path sourceFolder() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(basedir, "src", "main", "resources").resolve(FhirProfiles.RESOURCE_FOLDER);
    }

    /** The shared real-world data folder that Surefire names in {@code dg.shared.data}. */
    static Path sharedData() {
        String dir = System.getProperty("dg.shared.data");
        if (dir == null || dir.isBlank()) {
            throw new AssertionError("System property dg.shared.data is not set; run the tests with Maven");
        }
        return Path.of(dir);
    }

    static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ListedFile read(String path) {
        try (InputStream in = FhirProfiles.open(path)) {
            return new ListedFile(path, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private static final class ParsedHolder {
        static final List<Parsed> ALL = listed().stream()
                .map(file -> new Parsed(file, file.parseStrictly()))
                .toList();
    }
}

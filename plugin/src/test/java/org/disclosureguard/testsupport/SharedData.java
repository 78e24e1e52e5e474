package org.disclosureguard.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The real FHIR data beside the checkout ({@code ../shared/data}): NHS PDS sandbox patients, Synthea patients,
 * DS4P examples. Surefire and Failsafe pass its location as the system property {@code dg.shared.data}.
 */
public final class SharedData {

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private SharedData() {}

    public static Path root() {
        String configured = System.getProperty("dg.shared.data");
        Path root = configured != null ? Path.of(configured) : Path.of("../../shared/data");
        if (!Files.isDirectory(root.resolve("pds"))) {
            throw new IllegalStateException("The shared FHIR data is not at " + root.toAbsolutePath()
                    + "; it must sit beside the checkout as ../shared/data (system property dg.shared.data)");
        }
        return root;
    }

    public static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The non-blank lines of an NDJSON file, one resource each. */
    public static List<String> ndjson(String relative) {
        return read(relative).lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
    }

    /** A searchset Bundle holding the given resources (JSON strings), as an upstream server would send it. */
    public static String searchset(List<String> resources, String base) {
        StringBuilder sb = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":")
                .append(resources.size()).append(",\"link\":[{\"relation\":\"self\",\"url\":\"").append(base)
                .append("/Patient\"}],\"entry\":[");
        for (int i = 0; i < resources.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String resource = resources.get(i);
            String id;
            try {
                id = MAPPER.readTree(resource).path("id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sb.append("{\"fullUrl\":\"").append(base).append("/Patient/").append(id).append("\",\"resource\":")
                    .append(resource).append(",\"search\":{\"mode\":\"match\"}}");
        }
        return sb.append("]}").toString();
    }
}

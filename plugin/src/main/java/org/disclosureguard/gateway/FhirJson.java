package org.disclosureguard.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads and writes FHIR JSON as a Jackson tree with strict limits: duplicate keys, trailing content, nesting
 * deeper than {@value #MAX_DEPTH} and a top level that is not an object with a {@code resourceType} are all
 * refused. Thread-safe.
 */
public final class FhirJson {

    static final int MAX_DEPTH = 200;

    private final ObjectMapper mapper;

    public FhirJson() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(64 * 1024 * 1024)
                        .maxNumberLength(64)
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /**
     * Parses a resource.
     *
     * @throws IOException if the bytes are not one well-formed FHIR JSON resource
     */
    public ObjectNode readResource(byte[] json) throws IOException {
        JsonNode node = mapper.readTree(json);
        if (!(node instanceof ObjectNode object) || !object.path("resourceType").isTextual()) {
            throw new IOException("not a FHIR resource");
        }
        return object;
    }

    public byte[] write(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}

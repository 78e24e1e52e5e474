package org.disclosureguard.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Reads and writes FHIR JSON as a Jackson tree with strict limits: duplicate keys, trailing content, nesting
 * deeper than {@value #MAX_DEPTH}, numbers whose exponent takes them beyond {@value #MAX_SCALE} decimal places
 * either way (they could not be written back digit for digit) and a top level that is not an object with a
 * {@code resourceType} are all refused. Thread-safe.
 */
public final class FhirJson {

    static final int MAX_DEPTH = 200;

    /**
     * The largest scale, either way, of a number read: far beyond any quantity FHIR data carries (a double ends at
     * 1E308), and it keeps a number written out in full (numbers are written plain) to about a thousand digits.
     */
    static final int MAX_SCALE = 1000;

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
                .setNodeFactory(new BoundedNumbers())
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
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // A number Jackson cannot hold (an exponent of ten or more digits) or one beyond MAX_SCALE.
            throw new IOException("a number cannot be read: " + e.getMessage(), e);
        }
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

    /** Refuses decimal numbers whose scale is beyond {@link #MAX_SCALE} either way. */
    private static final class BoundedNumbers extends JsonNodeFactory {

        private static final long serialVersionUID = 1L;

        @Override
        public ValueNode numberNode(BigDecimal value) {
            if (value != null && Math.abs((long) value.scale()) > MAX_SCALE) {
                throw new IllegalArgumentException("a number with " + value.scale() + " decimal places");
            }
            return super.numberNode(value);
        }
    }
}

package org.disclosureguard.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads a requester's answer to a reviewer's question: a FHIR R4 {@code Parameters} resource in JSON with exactly
 * one parameter, named {@code answer}, carrying a non-blank {@code valueString} of at most {@value #MAX_LENGTH}
 * characters ({@code docs/escalation.md}, "Answering a question"). Anything else is refused whole: other
 * parameters, other value types, parts, unknown top-level elements, duplicate keys. Stateless and thread-safe.
 */
final class RequesterAnswer {

    /** The longest answer accepted, in characters (after stripping surrounding white space). */
    static final int MAX_LENGTH = 4000;

    /** The largest body read, in bytes. */
    static final int MAX_BODY = 64 * 1024;

    private static final Set<String> TOP_LEVEL = Set.of("resourceType", "id", "meta", "parameter");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20).build());
    }

    private RequesterAnswer() {}

    /** The answer's text, stripped, or {@code null} when the body is not such a Parameters resource. */
    static String parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (root == null || !root.isObject() || !"Parameters".equals(root.path("resourceType").asText(null))) {
            return null;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            if (!TOP_LEVEL.contains(names.next())) {
                return null;
            }
        }
        JsonNode parameters = root.path("parameter");
        if (!parameters.isArray() || parameters.size() != 1) {
            return null;
        }
        JsonNode parameter = parameters.get(0);
        if (!parameter.isObject() || parameter.size() != 2 || !"answer".equals(parameter.path("name").asText(null))
                || !parameter.path("name").isTextual() || !parameter.path("valueString").isTextual()) {
            return null;
        }
        String text = parameter.path("valueString").asText().strip();
        if (text.isEmpty() || text.length() > MAX_LENGTH || text.chars().anyMatch(c -> c < 0x20 && c != '\n'
                && c != '\r' && c != '\t')) {
            return null;
        }
        return text;
    }
}

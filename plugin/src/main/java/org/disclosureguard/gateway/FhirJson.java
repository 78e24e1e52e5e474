package org.disclosureguard.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads and writes FHIR JSON as a Jackson tree with strict limits: duplicate keys, trailing content, nesting
 * deeper than {@value #MAX_DEPTH}, numbers whose exponent takes them beyond {@value #MAX_SCALE} decimal places
 * either way (they could not be written back digit for digit) and a top level that is not an object with a
 * {@code resourceType} are all refused. A Bundle can also be read and written one entry at a time
 * ({@link #readBundle}, {@link EntryWriter}), so that a large search answer is never held as one tree. Thread-safe.
 */
public final class FhirJson {

    static final int MAX_DEPTH = 200;

    /**
     * The largest scale, either way, of a number read: far beyond any quantity FHIR data carries (a double ends at
     * 1E308), and it keeps a number written out in full (numbers are written plain) to about a thousand digits.
     */
    static final int MAX_SCALE = 1000;

    private final ObjectMapper mapper;
    /** Reads one value where a parser stands; the document's end is checked by whoever reads the rest. */
    private final ObjectReader valueReader;

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
        valueReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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

    /** What the entries of a Bundle read by {@link #readBundle} are handed to, one at a time, in order. */
    @FunctionalInterface
    public interface EntryHandler {
        /**
         * @param entry one element of the Bundle's {@code entry} array, as read
         */
        void entry(JsonNode entry) throws IOException;
    }

    /**
     * A Bundle read by {@link #readBundle}.
     *
     * @param bundle its top-level fields; when its entries were streamed, {@code entry} holds an empty array in the
     *     place the entries had
     * @param streamed whether the entries were handed to the handler (otherwise they are in {@code bundle}, and the
     *     handler was never called)
     */
    public record StreamedBundle(ObjectNode bundle, boolean streamed) {}

    /**
     * Reads a resource that may be a Bundle from a stream (read to its end, not closed), handing the elements of its
     * {@code entry} array to {@code handler} one at a time as they are read, if {@code streams} accepts the top-level
     * fields read before that array (servers write {@code resourceType} and {@code type} first); otherwise the array
     * is read into the tree like any other field.
     * The same limits as {@link #readResource} apply to the whole document. The handler may throw: reading stops, and
     * its exception reaches the caller unchanged.
     *
     * @throws IOException if the bytes are not one well-formed FHIR JSON resource; entries read before the fault
     *     have already been handed on
     */
    public StreamedBundle readBundle(InputStream json, Predicate<ObjectNode> streams, EntryHandler handler)
            throws IOException {
        try (JsonParser parser = mapper.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a FHIR resource");
            }
            ObjectNode bundle = mapper.createObjectNode();
            boolean streamed = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!streamed && name.equals("entry") && value == JsonToken.START_ARRAY && streams.test(bundle)) {
                    streamed = true;
                    bundle.putArray("entry");
                    for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY;
                            element = parser.nextToken()) {
                        if (element == null) {
                            throw new IOException("the resource is cut short");
                        }
                        handler.entry(readValue(parser));
                    }
                } else {
                    bundle.set(name, readValue(parser));
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException("the resource is cut short");
            }
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the resource");
            }
            if (!bundle.path("resourceType").isTextual()) {
                throw new IOException("not a FHIR resource");
            }
            return new StreamedBundle(bundle, streamed);
        }
    }

    private JsonNode readValue(JsonParser parser) throws IOException {
        try {
            return valueReader.readTree(parser);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException("a number cannot be read: " + e.getMessage(), e);
        }
    }

    /** Starts writing the elements of a Bundle's {@code entry} array one at a time. */
    public EntryWriter entryWriter() {
        return new EntryWriter();
    }

    /**
     * The {@code entry} array of a Bundle, written one element at a time, then spliced into the rest of the Bundle:
     * the bytes are those {@link #write} would write for the whole Bundle, held in pieces rather than one array. Not
     * thread-safe: one per answer.
     */
    public final class EntryWriter {

        private final Chunks out = new Chunks();
        private final JsonGenerator generator;

        private EntryWriter() {
            try {
                generator = mapper.createGenerator(out);
                generator.writeStartArray();
            } catch (IOException e) {
                throw new IllegalStateException("a JSON array could not be started", e);
            }
        }

        /** Appends one element. */
        public void add(JsonNode entry) {
            try {
                mapper.writeTree(generator, entry);
            } catch (IOException e) {
                throw new IllegalStateException("a JSON tree could not be written", e);
            }
        }

        /**
         * The whole Bundle: {@code bundle} written with the elements added so far as its {@code entry}, in the place
         * its {@code entry} field has; the entries are not copied again. Call once, after the last {@link #add}.
         *
         * @param bundle the Bundle's other fields, with an {@code entry} field (any value) marking where the entries go
         */
        public AnswerBody finish(ObjectNode bundle) {
            if (!bundle.has("entry")) {
                throw new IllegalArgumentException("the Bundle has no entry field to put the entries in");
            }
            try {
                generator.writeEndArray();
                generator.close();
            } catch (IOException e) {
                throw new IllegalStateException("a JSON array could not be finished", e);
            }
            String marker = "entries-" + UUID.randomUUID();
            bundle.put("entry", marker);
            byte[] outer = write(bundle);
            byte[] quoted = ('"' + marker + '"').getBytes(StandardCharsets.US_ASCII);
            int at = indexOf(outer, quoted);
            if (at < 0) {
                throw new IllegalStateException("the entries' place was not found in the Bundle written");
            }
            List<AnswerBody.Piece> pieces = new ArrayList<>();
            pieces.add(new AnswerBody.Piece(outer, 0, at));
            out.addTo(pieces);
            pieces.add(new AnswerBody.Piece(outer, at + quoted.length, outer.length - at - quoted.length));
            return AnswerBody.of(pieces);
        }
    }

    /**
     * Bytes kept in fixed-size chunks, so that growing never copies what is already written, and no chunk is large
     * enough to need a contiguous stretch of the heap of its own.
     */
    private static final class Chunks extends OutputStream {

        private static final int CHUNK = 64 * 1024;

        private final List<byte[]> full = new ArrayList<>();
        private byte[] current = new byte[CHUNK];
        private int used;

        @Override
        public void write(int b) {
            if (used == CHUNK) {
                full.add(current);
                current = new byte[CHUNK];
                used = 0;
            }
            current[used++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                if (used == CHUNK) {
                    full.add(current);
                    current = new byte[CHUNK];
                    used = 0;
                }
                int n = Math.min(length, CHUNK - used);
                System.arraycopy(bytes, offset, current, used, n);
                used += n;
                offset += n;
                length -= n;
            }
        }

        /** Adds every byte written, as pieces, without copying. */
        void addTo(List<AnswerBody.Piece> pieces) {
            for (byte[] chunk : full) {
                pieces.add(new AnswerBody.Piece(chunk, 0, CHUNK));
            }
            pieces.add(new AnswerBody.Piece(current, 0, used));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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

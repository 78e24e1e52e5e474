package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the reading and writing of a Bundle one entry at a time ({@link FhirJson#readBundle},
 * {@link FhirJson.EntryWriter}) against reading and writing it whole ({@link FhirJson#readResource},
 * {@link FhirJson#write}). The oracles: the streamed reader accepts exactly the documents the whole reader accepts;
 * the entries it hands on, put back in their place, give the tree the whole reader gives; and written back entry by
 * entry, the Bundle has exactly the bytes written whole. Seeds in {@code BundleStreamingFuzzTestInputs/}; see
 * {@code docs/security-testing.md}.
 */
class BundleStreamingFuzzTest {

    private static final FhirJson JSON = new FhirJson();

    @FuzzTest(maxDuration = "5m")
    void streamedAndWhole_readAndWriteTheSameBundle(byte[] input) {
        ObjectNode whole;
        try {
            whole = JSON.readResource(input);
        } catch (IOException refused) {
            whole = null;
        }
        List<JsonNode> entries = new ArrayList<>();
        FhirJson.StreamedBundle streamed;
        try {
            streamed = JSON.readBundle(new ByteArrayInputStream(input), header -> true, entries::add);
        } catch (IOException refused) {
            assertThat(whole).as("a document the whole reader accepts, refused streamed: %s", refused).isNull();
            return;
        }
        assertThat(whole).as("a document the whole reader refuses, accepted streamed").isNotNull();

        ObjectNode reassembled = streamed.bundle().deepCopy();
        if (streamed.streamed()) {
            ArrayNode array = (ArrayNode) reassembled.get("entry");
            entries.forEach(entry -> array.add(entry.deepCopy()));
        } else {
            assertThat(entries).as("entries handed on although not streamed").isEmpty();
        }
        assertThat(reassembled).isEqualTo(whole);

        if (streamed.streamed()) {
            FhirJson.EntryWriter writer = JSON.entryWriter();
            entries.forEach(writer::add);
            assertThat(writer.finish(streamed.bundle()).bytes()).as("written entry by entry")
                    .isEqualTo(JSON.write(whole));
        }
    }
}

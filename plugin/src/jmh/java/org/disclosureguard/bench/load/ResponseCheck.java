package org.disclosureguard.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Checks every answer the harness receives, so that no error is ever measured as a success: the status, the
 * resource type, the id of a read, the number of entries of a search (read with a streaming parser that skips
 * the resources), and whether the answer carries the guard's labels ({@code PROCESSINLINELABEL} once per
 * labelled resource at L3, nowhere at L0 to L2). A refusal must be a 4xx OperationOutcome; from the guard it must
 * carry DG-1202. Thread-safe.
 */
final class ResponseCheck {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] LABEL_MARKER = "PROCESSINLINELABEL".getBytes(StandardCharsets.US_ASCII);

    private ResponseCheck() {}

    /** @throws IllegalStateException describing the first thing wrong with the answer */
    static void check(Workload workload, Level level, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        byte[] body = response.body();
        switch (workload.kind()) {
            case READ -> {
                expect(status == 200, "status " + status + ", expected 200", body);
                Summary summary = summarise(body);
                expect("Patient".equals(summary.resourceType) && workload.readId().equals(summary.id),
                        "not Patient/" + workload.readId() + " but " + summary.resourceType + "/" + summary.id, body);
                checkLabels(level, body, 1);
            }
            case SEARCH -> {
                expect(status == 200, "status " + status + ", expected 200", body);
                Summary summary = summarise(body);
                expect("Bundle".equals(summary.resourceType) && "searchset".equals(summary.type),
                        "not a searchset Bundle but " + summary.resourceType + " " + summary.type, body);
                expect(summary.entries == workload.entries(),
                        summary.entries + " entries, expected " + workload.entries(), body);
                checkLabels(level, body, workload.entries());
            }
            case REFUSAL -> {
                expect(status >= 400 && status < 500, "status " + status + ", expected 4xx", body);
                expect("OperationOutcome".equals(summarise(body).resourceType), "not an OperationOutcome", body);
                if (level == Level.L2 || level == Level.L3) {
                    expect(new String(body, StandardCharsets.UTF_8).contains("DG-1202"), "no DG-1202", body);
                }
            }
        }
    }

    private static void checkLabels(Level level, byte[] body, int labelledResources) {
        int markers = count(body, LABEL_MARKER);
        if (level == Level.L3) {
            expect(markers >= labelledResources, markers + " labelled resources, expected at least "
                    + labelledResources, body);
        } else {
            expect(markers == 0, "labels found, expected none at " + level, body);
        }
    }

    private static final class Summary {
        String resourceType;
        String id;
        String type;
        int entries;
    }

    /** Reads the top-level resourceType, id and type, and counts the entries, skipping everything else. */
    private static Summary summarise(byte[] body) {
        Summary summary = new Summary();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("the answer is not a JSON object: " + excerpt(body));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "resourceType" -> summary.resourceType = parser.getValueAsString();
                    case "id" -> summary.id = parser.getValueAsString();
                    case "type" -> summary.type = parser.getValueAsString();
                    case "entry" -> {
                        if (value == JsonToken.START_ARRAY) {
                            while (parser.nextToken() != JsonToken.END_ARRAY) {
                                summary.entries++;
                                parser.skipChildren();
                            }
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the answer is not well-formed JSON (" + e.getMessage() + "): "
                    + excerpt(body), e);
        }
        return summary;
    }

    private static int count(byte[] haystack, byte[] needle) {
        int found = 0;
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            found++;
            i += needle.length - 1;
        }
        return found;
    }

    private static void expect(boolean condition, String problem, byte[] body) {
        if (!condition) {
            throw new IllegalStateException(problem + "; answer begins: " + excerpt(body));
        }
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8);
        return body.length > 400 ? text + "..." : text;
    }
}

package org.disclosureguard.synthetic;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A tiny FHIR server inside the test JVM: answers {@code GET /fhir/metadata} (503 for the first few
 * calls if asked) and records every {@code POST /fhir}, answering a transaction-response with one
 * {@code 201 Created} per entry, or a fixed error with an OperationOutcome. Thread-safe; close it after use.
 */
public final class RecordingFhirServer implements AutoCloseable {

    /** One recorded POST. */
    public record Post(String contentType, String body) {
    }

    private final HttpServer server;
    private final IParser parser = FhirContext.forR4Cached().newJsonParser();
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger metadataCalls = new AtomicInteger();
    private volatile int notReadyCalls;
    private volatile int errorStatus;
    private volatile String errorDiagnostics;

    public RecordingFhirServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fhir", this::handle);
        server.start();
    }

    /** Makes the first {@code calls} metadata requests answer 503. */
    public RecordingFhirServer notReadyFor(int calls) {
        this.notReadyCalls = calls;
        return this;
    }

    /** Makes every POST fail with {@code status} and an OperationOutcome carrying {@code diagnostics}. */
    public RecordingFhirServer failPostsWith(int status, String diagnostics) {
        this.errorStatus = status;
        this.errorDiagnostics = diagnostics;
        return this;
    }

    public URI base() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + "/fhir");
    }

    public List<Post> posts() {
        return List.copyOf(posts);
    }

    public int metadataCalls() {
        return metadataCalls.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(exchange.getRequestMethod()) && path.equals("/fhir/metadata")) {
                if (metadataCalls.incrementAndGet() <= notReadyCalls) {
                    send(exchange, 503, "text/plain", "starting");
                    return;
                }
                CapabilityStatement statement = new CapabilityStatement();
                statement.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
                statement.setFhirVersion(org.hl7.fhir.r4.model.Enumerations.FHIRVersion._4_0_1);
                send(exchange, 200, FhirServerLoader.FHIR_JSON, parser.encodeResourceToString(statement));
                return;
            }
            if ("POST".equals(exchange.getRequestMethod()) && (path.equals("/fhir") || path.equals("/fhir/"))) {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                posts.add(new Post(exchange.getRequestHeaders().getFirst("Content-Type"), body));
                if (errorStatus != 0) {
                    OperationOutcome outcome = new OperationOutcome();
                    outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                            .setCode(OperationOutcome.IssueType.PROCESSING).setDiagnostics(errorDiagnostics);
                    send(exchange, errorStatus, FhirServerLoader.FHIR_JSON, parser.encodeResourceToString(outcome));
                    return;
                }
                Bundle request = parser.parseResource(Bundle.class, body);
                Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
                for (Bundle.BundleEntryComponent entry : request.getEntry()) {
                    response.addEntry().getResponse().setStatus("201 Created")
                            .setLocation(entry.getRequest().getUrl() + "/_history/1");
                }
                send(exchange, 200, FhirServerLoader.FHIR_JSON, parser.encodeResourceToString(response));
                return;
            }
            send(exchange, 404, "text/plain", "not found");
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

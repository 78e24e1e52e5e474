package org.disclosureguard.synthetic;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads transaction bundles into a FHIR R4 server over plain HTTP: {@code POST [base]} with
 * {@code Content-Type: application/fhir+json}, the JSON encoded by HAPI's parser.
 *
 * <p>Usage: {@code new FhirServerLoader(URI.create("http://localhost:8090/fhir")).waitUntilReady(Duration.ofMinutes(3))},
 * then {@code load(bundle)} for each bundle in order.
 *
 * <p>Instances are immutable and thread-safe (the JDK {@link HttpClient} is). Failures are reported as
 * {@link FhirLoadException} with a stable code and, for refused transactions, the server's
 * OperationOutcome text. Arguments must not be {@code null}.
 */
public final class FhirServerLoader {

    /** The media type of FHIR JSON. */
    public static final String FHIR_JSON = "application/fhir+json";

    private static final Logger LOG = LoggerFactory.getLogger(FhirServerLoader.class);
    private static final int MAX_BODY_IN_MESSAGE = 2_000;

    private final URI base;
    private final HttpClient httpClient;
    private final Duration requestTimeout;
    private final Duration pollInterval;

    /**
     * Creates a loader with a default HTTP/1.1 client, a two-minute request timeout and a one-second
     * readiness poll.
     *
     * @param base the server's base URL, e.g. {@code http://localhost:8090/fhir}; a trailing slash is ignored
     */
    public FhirServerLoader(URI base) {
        this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build(), Duration.ofMinutes(2), Duration.ofSeconds(1));
    }

    /**
     * Creates a loader.
     *
     * @param base the server's base URL; a trailing slash is ignored
     * @param httpClient the client to send requests with
     * @param requestTimeout the longest wait for one response
     * @param pollInterval the pause between readiness checks
     */
    public FhirServerLoader(URI base, HttpClient httpClient, Duration requestTimeout, Duration pollInterval) {
        Objects.requireNonNull(base, "base");
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        this.base = URI.create(text);
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        this.requestTimeout = requirePositive(requestTimeout, "requestTimeout");
        this.pollInterval = requirePositive(pollInterval, "pollInterval");
    }

    /** @return the base URL, without a trailing slash */
    public URI base() {
        return base;
    }

    /**
     * Polls {@code GET [base]/metadata} until it answers 200, or the timeout passes.
     *
     * @param timeout the longest total wait; must be positive
     * @throws FhirLoadException (DG-9101) when the server is not ready in time, (DG-9103) when interrupted
     */
    public void waitUntilReady(Duration timeout) {
        requirePositive(timeout, "timeout");
        URI metadata = URI.create(base + "/metadata");
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no attempt made";
        int attempts = 0;
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new FhirLoadException("DG-9101: FHIR server at " + base + " was not ready within "
                        + timeout + " (GET " + metadata + "; last problem: " + lastProblem
                        + "). Check that the server is running and the base URL is right.", -1, lastProblem, null);
            }
            Duration attemptTimeout = Duration.ofNanos(Math.min(remaining, requestTimeout.toNanos()));
            attempts++;
            HttpRequest request = HttpRequest.newBuilder(metadata).timeout(attemptTimeout)
                    .header("Accept", FHIR_JSON).GET().build();
            try {
                HttpResponse<String> response = httpClient.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() == 200) {
                    LOG.info("FHIR server at {} is ready", base);
                    return;
                }
                lastProblem = "HTTP " + response.statusCode();
            } catch (HttpTimeoutException e) {
                // An attempt cut short by the overall deadline says less than what an earlier attempt saw.
                if (attempts == 1 || attemptTimeout.equals(requestTimeout)) {
                    lastProblem = "no answer within " + attemptTimeout;
                }
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FhirLoadException("DG-9103: interrupted while waiting for " + metadata, -1, null, e);
            }
            long pause = Math.min(pollInterval.toNanos(), Math.max(0, deadline - System.nanoTime()));
            try {
                Thread.sleep(Duration.ofNanos(pause).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FhirLoadException("DG-9103: interrupted while waiting for " + metadata, -1, null, e);
            }
        }
    }

    /**
     * Sends one transaction (or batch) bundle.
     *
     * @param transaction a bundle of type {@code transaction} or {@code batch}
     * @return what the server answered
     * @throws IllegalArgumentException when the bundle is of another type
     * @throws FhirLoadException (DG-9102) when the server answers other than 2xx, (DG-9103) when the request
     *     cannot be sent, (DG-9104) when a 2xx answer is not a Bundle
     */
    public LoadSummary load(Bundle transaction) {
        Objects.requireNonNull(transaction, "transaction");
        if (transaction.getType() != Bundle.BundleType.TRANSACTION && transaction.getType() != Bundle.BundleType.BATCH) {
            throw new IllegalArgumentException("Only transaction or batch bundles can be loaded, got type "
                    + (transaction.getType() == null ? "none" : transaction.getType().toCode()));
        }
        IParser parser = FhirContext.forR4Cached().newJsonParser();
        String body = parser.encodeResourceToString(transaction);
        HttpRequest request = HttpRequest.newBuilder(base).timeout(requestTimeout)
                .header("Content-Type", FHIR_JSON)
                .header("Accept", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = httpClient.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FhirLoadException("DG-9103: could not POST a transaction of " + transaction.getEntry().size()
                    + " entries to " + base + ": " + e, -1, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FhirLoadException("DG-9103: interrupted while posting a transaction to " + base, -1, null, e);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String explanation = explain(parser, response.body());
            throw new FhirLoadException("DG-9102: FHIR server at " + base + " refused a transaction of "
                    + transaction.getEntry().size() + " entries with HTTP " + status + ": " + explanation,
                    status, explanation, null);
        }
        Bundle answer;
        try {
            IBaseResource parsed = parser.parseResource(response.body());
            if (!(parsed instanceof Bundle bundle)) {
                throw new FhirLoadException("DG-9104: FHIR server at " + base + " answered HTTP " + status
                        + " with a " + parsed.fhirType() + " instead of a transaction-response Bundle", status,
                        abbreviate(response.body()), null);
            }
            answer = bundle;
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new FhirLoadException("DG-9104: FHIR server at " + base + " answered HTTP " + status
                    + " with something that is not FHIR JSON: " + abbreviate(response.body()), status,
                    abbreviate(response.body()), e);
        }
        List<String> statuses = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : answer.getEntry()) {
            statuses.add(entry.getResponse().hasStatus() ? entry.getResponse().getStatus() : "");
        }
        LoadSummary summary = new LoadSummary(transaction.getEntry().size(), status, statuses);
        LOG.info("Loaded {} entries into {}: {}", summary.entries(), base, summary.countByStatusCode());
        return summary;
    }

    /**
     * Sends bundles one after another, stopping at the first failure.
     *
     * @param transactions the bundles, in load order
     * @return one summary per bundle
     * @throws FhirLoadException as {@link #load(Bundle)}
     */
    public List<LoadSummary> loadAll(List<Bundle> transactions) {
        List<LoadSummary> summaries = new ArrayList<>();
        for (Bundle transaction : transactions) {
            summaries.add(load(transaction));
        }
        return summaries;
    }

    private static String explain(IParser parser, String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        try {
            IBaseResource parsed = parser.parseResource(body);
            if (parsed instanceof OperationOutcome outcome) {
                List<String> issues = new ArrayList<>();
                for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
                    StringBuilder text = new StringBuilder();
                    text.append(issue.hasSeverity() ? issue.getSeverity().toCode() : "issue");
                    if (issue.hasCode()) {
                        text.append(" (").append(issue.getCode().toCode()).append(')');
                    }
                    if (issue.hasDiagnostics()) {
                        text.append(": ").append(issue.getDiagnostics());
                    }
                    if (issue.hasDetails() && issue.getDetails().hasText()) {
                        text.append(" - ").append(issue.getDetails().getText());
                    }
                    if (!issue.getLocation().isEmpty()) {
                        text.append(" at ").append(issue.getLocation().get(0).getValue());
                    }
                    issues.add(text.toString());
                }
                return issues.isEmpty() ? "OperationOutcome without issues" : String.join("; ", issues);
            }
        } catch (DataFormatException | IllegalArgumentException e) {
            // Not FHIR: fall back to the raw body below.
        }
        return abbreviate(body);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= MAX_BODY_IN_MESSAGE ? body : body.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }

    private static Duration requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
        return duration;
    }
}

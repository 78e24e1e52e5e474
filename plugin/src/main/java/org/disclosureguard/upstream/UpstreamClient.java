package org.disclosureguard.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches from the practice FHIR server. Each call is one GET with JSON asked for, redirects never followed, a
 * connect deadline and a deadline for the whole answer (body included), and a cap on the body size. Anything
 * other than a complete FHIR JSON answer with a 2xx or 4xx status becomes an {@link UpstreamFailure}; nothing
 * from a failed exchange is returned, and bodies of refused answers are not even read. Bodies are asked for and
 * accepted only without a content coding ({@code Accept-Encoding: identity}): a compressed answer is refused unread,
 * so the size cap is a cap on what the guard parses and no compression bomb is ever inflated.
 *
 * <p>Thread-safe; one instance is shared by all requests.
 */
public final class UpstreamClient {

    /** Request headers passed from the requester to the upstream, if present. Everything else is dropped. */
    public static final Set<String> FORWARDED_REQUEST_HEADERS = Set.of("accept-language", "x-request-id");

    /** Response headers kept from the upstream. Everything else (cookies, server banners) is dropped. */
    public static final Set<String> KEPT_RESPONSE_HEADERS = Set.of("etag", "last-modified", "x-request-id");

    private static final String FHIR_JSON = "application/fhir+json";

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final long maxBodyBytes;

    /**
     * @param base the practice server's FHIR base URL, for example {@code http://127.0.0.1:8090/fhir}
     * @param connectTimeout the longest wait for a connection
     * @param timeout the longest wait for the whole answer, body included
     * @param maxBodyBytes the largest body accepted
     */
    public UpstreamClient(URI base, Duration connectTimeout, Duration timeout, long maxBodyBytes) {
        this.base = normalise(Objects.requireNonNull(base, "base"));
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxBodyBytes = maxBodyBytes;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The upstream base URL without a trailing slash. */
    public URI base() {
        return base;
    }

    /**
     * GETs {@code base + "/" + relativePath}.
     *
     * @param relativePath path and query below the base, already encoded, for example
     *     {@code Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9000000009}; a query alone
     *     ({@code ?_getpages=...}) is appended to the base itself
     * @param requestHeaders headers from the requester; only {@link #FORWARDED_REQUEST_HEADERS} are sent
     * @return a 2xx or 4xx answer with its complete FHIR JSON body
     * @throws UpstreamFailure for every other outcome
     */
    public UpstreamResponse get(String relativePath, Map<String, String> requestHeaders) throws UpstreamFailure {
        String separator = relativePath.isEmpty() || relativePath.startsWith("?") ? "" : "/";
        URI uri;
        try {
            uri = URI.create(base + separator + relativePath);
        } catch (IllegalArgumentException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNEXPECTED_CONTENT, "the request cannot be forwarded", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(timeout)
                .header("Accept", FHIR_JSON)
                .header("Accept-Encoding", "identity");
        requestHeaders.forEach((name, value) -> {
            if (FORWARDED_REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                request.header(name, value);
            }
        });
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request.build(),
                info -> acceptable(info) ? new BoundedBody(maxBodyBytes) : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "the practice server did not answer in time");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the request was interrupted");
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
        int status = response.statusCode();
        if (status >= 300 && status < 400) {
            throw new UpstreamFailure(UpstreamFailure.Kind.REDIRECT, "the practice server answered with a redirect");
        }
        if (status >= 500 || status < 200) {
            throw new UpstreamFailure(UpstreamFailure.Kind.ERROR_STATUS,
                    "the practice server answered with status " + status);
        }
        if (response.body() == null) {
            throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FHIR, "the practice server did not answer with FHIR JSON");
        }
        long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
        if (declared >= 0 && response.body().length != declared) {
            throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FHIR, "the practice server's answer was cut short");
        }
        return new UpstreamResponse(status, keptHeaders(response), response.body());
    }

    /**
     * Only 2xx and 4xx answers in FHIR JSON without a content coding have their bodies read; anything else is
     * discarded unread.
     */
    private static boolean acceptable(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        boolean statusOk = (status >= 200 && status < 300) || (status >= 400 && status < 500);
        String coding = info.headers().firstValue("content-encoding").orElse("identity").trim();
        return statusOk && coding.equalsIgnoreCase("identity")
                && isFhirJson(info.headers().firstValue("content-type").orElse(""));
    }

    private static UpstreamFailure classify(Throwable cause) {
        if (cause instanceof BoundedBody.TooLarge) {
            return new UpstreamFailure(UpstreamFailure.Kind.TOO_LARGE, "the practice server's answer is too large");
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                    "the practice server did not accept a connection in time", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "the practice server did not answer in time", cause);
        }
        if (cause instanceof ConnectException || cause instanceof java.nio.channels.UnresolvedAddressException) {
            return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the practice server cannot be reached", cause);
        }
        if (cause instanceof IOException) {
            return new UpstreamFailure(UpstreamFailure.Kind.NOT_FHIR,
                    "the practice server's answer was cut short or malformed", cause);
        }
        return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the exchange with the practice server failed", cause);
    }

    private static Map<String, String> keptHeaders(HttpResponse<?> response) {
        Map<String, String> kept = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (KEPT_RESPONSE_HEADERS.contains(lower) && !values.isEmpty()) {
                kept.put(lower, values.get(0));
            }
        });
        return kept;
    }

    static boolean isFhirJson(String contentType) {
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return List.of(FHIR_JSON, "application/json", "application/json+fhir").contains(mime);
    }

    private static URI normalise(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }
}

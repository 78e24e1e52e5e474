package org.disclosureguard.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Fetches from the practice FHIR server. Each call is one GET with JSON asked for, redirects never followed, a
 * connect deadline and a deadline for the whole answer (body included), and a cap on the body size. Anything
 * other than a complete FHIR JSON answer with a 2xx or 4xx status becomes an {@link UpstreamFailure}; nothing
 * from a failed exchange is returned, and bodies of refused answers are not even read. Bodies are asked for and
 * accepted only without a content coding ({@code Accept-Encoding: identity}): a compressed answer is refused unread,
 * so the size cap is a cap on what the guard parses and no compression bomb is ever inflated.
 *
 * <p>The transport is Apache HttpClient 5 classic: blocking I/O on the calling thread, over a pool of at most
 * {@link #MAX_CONNECTIONS} keep-alive connections. The client never retries, never follows a redirect, keeps no
 * cookies, caches no authentication, never inflates a body and never asks to upgrade the connection. Answers are
 * parsed strictly: anything but a status line where one is due (garbage, or a {@code 101} switching protocols) and
 * header lines beyond 64 KiB or 256 in number make the answer
 * malformed; an answer framed by both {@code Content-Length} and {@code Transfer-Encoding} is refused. A connection
 * is returned to the pool only after a complete, accepted answer; after a refused answer, a body over the limit, a
 * timeout or any failure it is closed, so an unread body is never drained. A pooled connection idle for longer
 * than {@link #VALIDATE_AFTER_INACTIVITY} is checked before it is used again, so a practice server that closed
 * an idle keep-alive connection does not turn the next request into a failure. A connection the server closed
 * more recently than that, or in the instant between the check and the request, fails that one request as
 * {@link UpstreamFailure.Kind#UNAVAILABLE} (GETs are not retried), and every idle connection in the pool is then
 * closed, so the requests after it connect afresh.
 *
 * <p>The deadline for the whole answer is kept by one daemon timer thread shared by all clients in the JVM: at
 * the deadline it aborts the exchange, closing its connection, so a read blocked on a body that trickles in fails
 * at once; the read timeout of the socket is the same duration.
 *
 * <p>Thread-safe; one instance is shared by all requests. {@link #close()} closes the pool: exchanges under way
 * fail, and every later {@link #get} fails as {@link UpstreamFailure.Kind#UNAVAILABLE}. The application closes it
 * at shutdown.
 */
public final class UpstreamClient implements AutoCloseable {

    /** Request headers passed from the requester to the upstream, if present. Everything else is dropped. */
    public static final Set<String> FORWARDED_REQUEST_HEADERS = Set.of("accept-language", "x-request-id");

    /** Response headers kept from the upstream. Everything else (cookies, server banners) is dropped. */
    public static final Set<String> KEPT_RESPONSE_HEADERS = Set.of("etag", "last-modified", "x-request-id");

    /**
     * The most connections open to the practice server at once. A request that finds them all busy waits for one
     * within its own deadline.
     */
    public static final int MAX_CONNECTIONS = 64;

    /** A pooled connection idle for longer than this is checked (a 1 ms read) before it is used again. */
    public static final Duration VALIDATE_AFTER_INACTIVITY = Duration.ofSeconds(1);

    private static final String FHIR_JSON = "application/fhir+json";

    /** The longest status or header line accepted from the practice server. */
    private static final int MAX_HEADER_LINE = 64 * 1024;

    /** The most header lines accepted in one answer. */
    private static final int MAX_HEADERS = 256;

    /** The largest body a Java array can hold; a larger limit is capped to it. */
    private static final long LARGEST_BODY = Integer.MAX_VALUE - 8;

    /** The first buffer for a body of undeclared length. */
    private static final int FIRST_BUFFER = 16 * 1024;

    private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

    private final URI base;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private final Duration timeout;
    private final long maxBodyBytes;
    private volatile boolean closed;

    /**
     * @param base the practice server's FHIR base URL, for example {@code http://127.0.0.1:8090/fhir}
     * @param connectTimeout the longest wait for a connection
     * @param timeout the longest wait for the whole answer, body included
     * @param maxBodyBytes the largest body accepted
     * @throws IllegalArgumentException if the base is not an absolute http or https URL or a duration is not
     *     positive
     */
    public UpstreamClient(URI base, Duration connectTimeout, Duration timeout, long maxBodyBytes) {
        this.base = normalise(Objects.requireNonNull(base, "base"));
        this.timeout = positive(timeout, "timeout");
        this.maxBodyBytes = Math.min(maxBodyBytes, LARGEST_BODY);
        String scheme = this.base.getScheme() == null ? "" : this.base.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || this.base.getHost() == null) {
            throw new IllegalArgumentException("the upstream base URL must be an absolute http or https URL: " + base);
        }
        Timeout whole = Timeout.of(timeout);
        // HttpCore's strict parser: HttpClient's own skips lines that are not a status line, so garbage before an
        // answer would pass unnoticed. The limits bound what a misbehaving server can make the guard hold.
        Http1Config http1 = Http1Config.custom()
                .setMaxLineLength(MAX_HEADER_LINE)
                .setMaxHeaderCount(MAX_HEADERS)
                .build();
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(http1)
                        .responseParserFactory(new DefaultHttpResponseParserFactory(http1))
                        .build())
                .setTlsSocketStrategy(DefaultClientTlsStrategy.createSystemDefault())
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(whole).setTcpNoDelay(true).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(positive(connectTimeout, "connectTimeout")))
                        .setSocketTimeout(whole)
                        .setValidateAfterInactivity(TimeValue.of(VALIDATE_AFTER_INACTIVITY))
                        .build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(this.pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(whole)
                        .setResponseTimeout(whole)
                        .setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false)
                        .setContentCompressionEnabled(false)
                        .setProtocolUpgradeEnabled(false)
                        .setExpectContinueEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .build();
    }

    /** The upstream base URL without a trailing slash. */
    public URI base() {
        return base;
    }

    /**
     * GETs {@code base + "/" + relativePath}, blocking the calling thread until the answer is complete, refused or
     * past its deadline.
     *
     * @param relativePath path and query below the base, already encoded, for example
     *     {@code Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9000000009}; a query alone
     *     ({@code ?_getpages=...}) is appended to the base itself
     * @param requestHeaders headers from the requester; only {@link #FORWARDED_REQUEST_HEADERS} are sent
     * @return a 2xx or 4xx answer with its complete FHIR JSON body
     * @throws UpstreamFailure for every other outcome
     */
    public UpstreamResponse get(String relativePath, Map<String, String> requestHeaders) throws UpstreamFailure {
        return exchange(relativePath, requestHeaders, this::answer);
    }

    /** Reads a body as it arrives from the practice server. */
    @FunctionalInterface
    public interface BodyReader<T> {

        /**
         * @param body the body, ending where the answer ends; reading past the size limit fails
         * @return what was read from it
         * @throws IOException if the body cannot be read, or is not what the reader expects
         */
        T read(InputStream body) throws IOException;
    }

    /**
     * An answer whose body was read as it arrived.
     *
     * @param status the HTTP status, 2xx or 4xx
     * @param headers the response headers that passed the allow-list (lower-case names)
     * @param value what the reader made of the body, for a 2xx answer; {@code null} for a 4xx answer, whose body is
     *     not read
     */
    public record Streamed<T>(int status, Map<String, String> headers, T value) {

        public Streamed {
            headers = Map.copyOf(headers);
        }

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * As {@link #get}, but the body of a 2xx answer is handed to {@code reader} as it arrives instead of being
     * collected first, so that the caller can work on its beginning while the rest is still on its way and need not
     * hold all of it. Everything else is as for {@link #get}: the same checks before the body is read, the same size
     * limit (reading past it fails as {@link UpstreamFailure.Kind#TOO_LARGE}), and the same deadline, which now also
     * covers the reader's own work. The reader must read the body to its end; a body it leaves unfinished, or that
     * is cut short or malformed, is {@link UpstreamFailure.Kind#NOT_FHIR} (the reader's own {@code IOException}s
     * included). A runtime exception from the reader reaches the caller unchanged. The connection goes back to the
     * pool only after a body read to its end.
     *
     * @throws UpstreamFailure for every outcome but a 2xx or 4xx FHIR JSON answer read to its end
     */
    public <T> Streamed<T> stream(String relativePath, Map<String, String> requestHeaders, BodyReader<T> reader)
            throws UpstreamFailure {
        return exchange(relativePath, requestHeaders, response -> {
            int status = checked(response);
            Map<String, String> headers = keptHeaders(response);
            if (status >= 400) {
                throw new Unread(new Streamed<>(status, headers, null));
            }
            HttpEntity entity = response.getEntity();
            if (entity != null && entity.getContentLength() > maxBodyBytes) {
                throw tooLarge();
            }
            InputStream body = new Capped(entity == null ? InputStream.nullInputStream() : entity.getContent(),
                    maxBodyBytes);
            T value;
            try {
                value = reader.read(body);
            } catch (RuntimeException e) {
                throw new ReaderFailed(e);
            }
            if (body.read() != -1) {
                throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FHIR,
                        "the practice server's answer goes on after the resource");
            }
            return new Streamed<>(status, headers, value);
        });
    }

    /** What an exchange makes of the practice server's answer, once its status line and headers are in. */
    @FunctionalInterface
    private interface Answer<T> {
        T take(ClassicHttpResponse response) throws UpstreamFailure, IOException;
    }

    /** A runtime exception from a {@link BodyReader}, carried out of the exchange to be thrown unchanged. */
    private static final class ReaderFailed extends RuntimeException {
        ReaderFailed(RuntimeException cause) {
            super(cause);
        }
    }

    /** A 4xx answer returned without its body being read; the connection is closed, not reused. */
    private static final class Unread extends RuntimeException {
        private final transient Streamed<?> answer;

        Unread(Streamed<?> answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /** The body read past the size limit. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("the practice server's answer is too large");
        }
    }

    /** A body that fails once more than a limit has been read from it. */
    private static final class Capped extends java.io.FilterInputStream {

        private final long limit;
        private long read;

        Capped(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) throws TooLarge {
            read += n;
            if (read > limit) {
                throw new TooLarge();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T exchange(String relativePath, Map<String, String> requestHeaders, Answer<T> take)
            throws UpstreamFailure {
        if (closed) {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the upstream client is closed");
        }
        HttpGet request = request(relativePath, requestHeaders);
        Deadline deadline = new Deadline(request, timeout);
        ClassicHttpResponse response = null;
        boolean complete = false;
        try {
            response = http.executeOpen(null, request, null);
            T answer = take.take(response);
            complete = true;
            return answer;
        } catch (Unread unread) {
            return (T) unread.answer;
        } catch (ReaderFailed e) {
            throw (RuntimeException) e.getCause();
        } catch (TooLarge e) {
            throw tooLarge();
        } catch (IOException e) {
            if (deadline.passed()) {
                throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "the practice server did not answer in time", e);
            }
            throw classify(e, response != null);
        } catch (IllegalStateException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE,
                    closed ? "the upstream client is closed" : "the exchange with the practice server failed", e);
        } finally {
            deadline.cancel();
            if (!complete) {
                // Closes the connection: an unread or partly read body is abandoned, never drained or reused.
                request.cancel();
            }
            if (response != null) {
                closeQuietly(response);
            }
        }
    }

    /**
     * Closes the connection pool and its connections, so exchanges under way fail; later calls fail as
     * {@link UpstreamFailure.Kind#UNAVAILABLE} without a connection. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        http.close(CloseMode.GRACEFUL);
    }

    private HttpGet request(String relativePath, Map<String, String> requestHeaders) throws UpstreamFailure {
        String separator = relativePath.isEmpty() || relativePath.startsWith("?") ? "" : "/";
        HttpGet request;
        try {
            request = new HttpGet(URI.create(base + separator + relativePath));
        } catch (IllegalArgumentException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNEXPECTED_CONTENT, "the request cannot be forwarded", e);
        }
        request.setHeader("Accept", FHIR_JSON);
        request.setHeader("Accept-Encoding", "identity");
        for (Map.Entry<String, String> header : requestHeaders.entrySet()) {
            if (FORWARDED_REQUEST_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                if (!fieldValue(header.getValue())) {
                    throw new UpstreamFailure(UpstreamFailure.Kind.UNEXPECTED_CONTENT, "the request cannot be forwarded");
                }
                request.addHeader(header.getKey(), header.getValue());
            }
        }
        return request;
    }

    /** No control characters but tab: a forwarded value can never end the header line or add another. */
    private static boolean fieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Only 2xx and 4xx answers in FHIR JSON without a content coding and with unambiguous framing have their
     * bodies read; anything else is refused unread.
     */
    private UpstreamResponse answer(ClassicHttpResponse response) throws UpstreamFailure, IOException {
        int status = checked(response);
        return new UpstreamResponse(status, keptHeaders(response), body(response.getEntity()));
    }

    /**
     * The status of an answer whose body may be read: 2xx or 4xx, FHIR JSON, no content coding, unambiguous framing.
     *
     * @throws UpstreamFailure for any other answer, whose body is then never read
     */
    private static int checked(ClassicHttpResponse response) throws UpstreamFailure {
        int status = response.getCode();
        if (status >= 300 && status < 400) {
            throw new UpstreamFailure(UpstreamFailure.Kind.REDIRECT, "the practice server answered with a redirect");
        }
        if (status >= 500 || status < 200) {
            throw new UpstreamFailure(UpstreamFailure.Kind.ERROR_STATUS,
                    "the practice server answered with status " + status);
        }
        if (!withoutContentCoding(response) || !inFhirJson(response)) {
            throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FHIR, "the practice server did not answer with FHIR JSON");
        }
        if (response.containsHeader("Transfer-Encoding") && response.containsHeader("Content-Length")) {
            throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FHIR,
                    "the practice server's answer was cut short or malformed");
        }
        return status;
    }

    private static boolean withoutContentCoding(ClassicHttpResponse response) {
        for (Header header : response.getHeaders("Content-Encoding")) {
            for (String coding : header.getValue().split(",", -1)) {
                if (!coding.trim().equalsIgnoreCase("identity")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean inFhirJson(ClassicHttpResponse response) {
        Header[] types = response.getHeaders("Content-Type");
        return types.length == 1 && isFhirJson(types[0].getValue());
    }

    /**
     * Reads the whole body, into an array of the declared length when there is one. Leaving the stream at its
     * end returns the connection to the pool; any failure leaves it to the caller to abandon.
     */
    private byte[] body(HttpEntity entity) throws UpstreamFailure, IOException {
        if (entity == null) {
            return new byte[0];
        }
        long declared = entity.getContentLength();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        InputStream in = entity.getContent();
        if (declared >= 0) {
            byte[] body = new byte[(int) declared];
            if (in.readNBytes(body, 0, body.length) < body.length || in.read() != -1) {
                throw new EOFException("the body does not match its Content-Length");
            }
            return body;
        }
        byte[] buffer = new byte[(int) Math.min(maxBodyBytes + 1, FIRST_BUFFER)];
        int size = 0;
        while (true) {
            if (size == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(maxBodyBytes + 1, 2L * size));
            }
            int read = in.read(buffer, size, buffer.length - size);
            if (read < 0) {
                break;
            }
            size += read;
            if (size > maxBodyBytes) {
                throw tooLarge();
            }
        }
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }

    private static UpstreamFailure tooLarge() {
        return new UpstreamFailure(UpstreamFailure.Kind.TOO_LARGE, "the practice server's answer is too large");
    }

    /**
     * @param answered whether the status line and headers had arrived: a connection closed before them gave no
     *     answer at all (the server is going away, or closed a pooled connection as it was reused), one closed
     *     after them cut the answer short
     */
    private UpstreamFailure classify(IOException cause, boolean answered) {
        if (Thread.currentThread().isInterrupted()) {
            return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the request was interrupted", cause);
        }
        if (cause instanceof ConnectionRequestTimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                    "no connection to the practice server was free in time", cause);
        }
        if (cause instanceof ConnectTimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                    "the practice server did not accept a connection in time", cause);
        }
        if (cause instanceof SocketTimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "the practice server did not answer in time", cause);
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof NoRouteToHostException) {
            return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the practice server cannot be reached", cause);
        }
        if (!answered && (cause instanceof NoHttpResponseException || cause instanceof SocketException)) {
            // The other idle connections were most likely closed at the same time (a restart): drop them all, so
            // that the next requests connect afresh instead of failing on them one by one.
            pool.closeIdle(TimeValue.ZERO_MILLISECONDS);
            return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE,
                    "the practice server closed the connection without answering", cause);
        }
        return new UpstreamFailure(UpstreamFailure.Kind.NOT_FHIR,
                "the practice server's answer was cut short or malformed", cause);
    }

    private static Map<String, String> keptHeaders(ClassicHttpResponse response) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (Header header : response.getHeaders()) {
            String lower = header.getName().toLowerCase(Locale.ROOT);
            if (KEPT_RESPONSE_HEADERS.contains(lower)) {
                kept.putIfAbsent(lower, header.getValue());
            }
        }
        return kept;
    }

    static boolean isFhirJson(String contentType) {
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return List.of(FHIR_JSON, "application/json", "application/json+fhir").contains(mime);
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException e) {
            // the connection is already closed or released; nothing is left to do
        }
    }

    private static Duration positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
        return duration;
    }

    private static URI normalise(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "upstream-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Aborts one exchange when its time is up, unless cancelled first. */
    private static final class Deadline implements Runnable {

        private final HttpGet request;
        private final ScheduledFuture<?> alarm;
        private volatile boolean passed;

        Deadline(HttpGet request, Duration timeout) {
            this.request = request;
            this.alarm = DEADLINES.schedule(this, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            passed = true;
            request.cancel();
        }

        boolean passed() {
            return passed;
        }

        void cancel() {
            alarm.cancel(false);
        }
    }
}

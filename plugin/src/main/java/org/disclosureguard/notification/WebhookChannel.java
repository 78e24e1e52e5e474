package org.disclosureguard.notification;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Delivers a notice to the practice's webhook receiver as a message signed per the Standard Webhooks specification
 * (standardwebhooks.com): {@code POST} of a JSON body {@code {"type": "disclosure.notice", "timestamp": ...,
 * "data": <the notice>}} with headers {@code webhook-id} (the notice id, the same on every retry, so the receiver
 * can drop duplicates), {@code webhook-timestamp} (seconds since the epoch, at this attempt) and
 * {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed with the base64-decoded secret
 * that follows {@code whsec_}, and/or {@code v1a,<base64 Ed25519 signature>} of the same content with the key that
 * follows {@code whsk_} (space-separated when both are configured). A 2xx answer is success; any other status, a
 * timeout or a connection failure is a {@link DeliveryException}: a 429 or 503 carries the receiver's
 * {@code Retry-After} (seconds or an HTTP-date) as {@link DeliveryException#retryAfter()}, and a {@code 410 Gone} is a
 * {@link ReceiverGoneException}, on which the relay disables the channel until an operator re-enables it.
 *
 * <p><b>Egress.</b> The URL must start with one of the practice's allowed prefixes
 * ({@code guard.notification.webhook.allowed-urls}): same scheme, host and port, and a path that starts with the
 * prefix's path at a segment boundary ({@code https://hooks.example/dg} allows {@code https://hooks.example/dg} and
 * {@code https://hooks.example/dg/notices}, not {@code https://hooks.example/dg-other}). A URL not on the list is
 * refused when the channel is built ({@code DG-6015}). Redirects are never followed: a client that would follow them
 * is refused ({@code DG-6017}) and a 3xx answer is a failure, so a receiver cannot send notices elsewhere.
 *
 * <p>Thread-safe.
 */
public final class WebhookChannel implements NotificationChannel {

    /** The channel name. */
    public static final String NAME = "webhook";
    /** The event type of the message. */
    public static final String EVENT_TYPE = "disclosure.notice";
    /** The event type of a notice that a request for a restricted patient's record was held for review. */
    public static final String RESTRICTED_HELD_TYPE = "restricted-record.held";
    /** The event type of a notice that a request for a restricted patient's record was refused. */
    public static final String RESTRICTED_REFUSED_TYPE = "restricted-record.refused";
    /** The webhook {@code type} of a tracing alert to the Caldicott Guardian. */
    public static final String TRACING_ALERT_TYPE = "tracing.alert";

    private static final String SECRET_PREFIX = "whsec_";
    private static final String SIGNING_KEY_PREFIX = "whsk_";
    private static final String PUBLIC_KEY_PREFIX = "whpk_";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI url;
    private final List<URI> allowedUrls;
    private final byte[] key;
    private final Ed25519PrivateKeyParameters signingKey;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    /**
     * A channel that signs with HMAC only ({@code v1}) and whose allow-list is its own URL alone; see the full
     * constructor.
     */
    public WebhookChannel(URI url, String secret, HttpClient http, Duration timeout, Clock clock) {
        this(url, secret, null, http, timeout, clock);
    }

    /**
     * A channel whose allow-list is its own URL alone (for wiring that has no
     * {@code guard.notification.webhook.allowed-urls} yet); see the full constructor.
     */
    public WebhookChannel(URI url, String secret, String signingKey, HttpClient http, Duration timeout,
                          Clock clock) {
        this(url, secret, signingKey, http, timeout, clock, List.of(Objects.requireNonNull(url, "url").toString()));
    }

    /**
     * @param url the receiver, an absolute https URL (http only to a loopback address)
     * @param secret {@code whsec_} followed by the base64 of 24 to 64 random bytes, or {@code null} for no {@code v1}
     *     signature
     * @param signingKey {@code whsk_} followed by the base64 of an Ed25519 private key (the 32-byte seed, or the
     *     64-byte seed-and-public-key form), or {@code null} for no {@code v1a} signature
     * @param http the client: it must never follow redirects ({@link HttpClient.Redirect#NEVER}, the JDK default),
     *     since a 3xx is a failure per the specification and could lead off the allow-list; its connect timeout
     *     should not exceed {@code timeout}
     * @param timeout the limit on each request
     * @param clock the time of {@code webhook-timestamp}
     * @param allowedUrls {@code guard.notification.webhook.allowed-urls}: absolute http(s) URL prefixes (scheme,
     *     host, optional port, path prefix; no query, fragment or user info); the URL must match one
     * @throws IllegalArgumentException when the URL or a key is unusable, the URL is not on the allow-list, the
     *     allow-list is empty or malformed, the client follows redirects, or neither key is given (the message does
     *     not repeat a key)
     */
    public WebhookChannel(URI url, String secret, String signingKey, HttpClient http, Duration timeout,
                          Clock clock, List<String> allowedUrls) {
        this.url = Objects.requireNonNull(url, "url");
        this.http = Objects.requireNonNull(http, "http");
        Objects.requireNonNull(allowedUrls, "allowedUrls");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        boolean loopback = "127.0.0.1".equals(url.getHost()) || "localhost".equals(url.getHost())
                || "[::1]".equals(url.getHost());
        if (!url.isAbsolute() || !("https".equals(url.getScheme()) || ("http".equals(url.getScheme()) && loopback))) {
            throw new IllegalArgumentException("DG-6011: guard.notification.webhook.url must be an absolute https URL "
                    + "(http only to a loopback address), not '" + url + "'");
        }
        this.allowedUrls = parseAllowList(allowedUrls);
        if (this.allowedUrls.stream().noneMatch(prefix -> allows(prefix, url))) {
            throw new IllegalArgumentException("DG-6015: guard.notification.webhook.url '" + url + "' is not on "
                    + "guard.notification.webhook.allowed-urls " + allowedUrls + "; add its scheme, host, port and "
                    + "path prefix there, or correct the URL");
        }
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("DG-6017: the webhook's HTTP client follows redirects ("
                    + http.followRedirects() + "); build it with HttpClient.Redirect.NEVER");
        }
        if (secret == null && signingKey == null) {
            throw new IllegalArgumentException("DG-6012: set guard.notification.webhook.secret (whsec_...) or "
                    + "guard.notification.webhook.signing-key (whsk_...), or both");
        }
        this.key = secret == null ? null : decodeSecret(secret);
        this.signingKey = signingKey == null ? null : decodeSigningKey(signingKey);
    }

    /**
     * The {@code whpk_} public key a receiver needs to verify {@code v1a} signatures made with a {@code whsk_} key.
     *
     * @throws IllegalArgumentException when the key is unusable
     */
    public static String publicKeyFor(String signingKey) {
        return PUBLIC_KEY_PREFIX + Base64.getEncoder().encodeToString(
                decodeSigningKey(signingKey).generatePublicKey().getEncoded());
    }

    /** The allowed prefixes, normalised; refuses an empty list or an entry that is not a plain http(s) prefix. */
    static List<URI> parseAllowList(List<String> allowedUrls) {
        if (allowedUrls.isEmpty()) {
            throw new IllegalArgumentException("DG-6016: guard.notification.webhook.allowed-urls is empty; list the "
                    + "URL prefixes webhooks may be sent to (for example https://hooks.gp.example/dg/)");
        }
        List<URI> parsed = new ArrayList<>();
        for (String entry : allowedUrls) {
            URI prefix;
            try {
                prefix = new URI(entry == null ? "" : entry.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("DG-6016: guard.notification.webhook.allowed-urls entry '" + entry
                        + "' is not a URL: " + e.getReason());
            }
            String scheme = prefix.getScheme() == null ? "" : prefix.getScheme().toLowerCase(Locale.ROOT);
            if (!prefix.isAbsolute() || prefix.isOpaque() || !(scheme.equals("https") || scheme.equals("http"))
                    || prefix.getHost() == null || prefix.getRawUserInfo() != null || prefix.getRawQuery() != null
                    || prefix.getRawFragment() != null) {
                throw new IllegalArgumentException("DG-6016: guard.notification.webhook.allowed-urls entry '" + entry
                        + "' must be an absolute http(s) URL prefix: scheme, host, optional port and path, with no "
                        + "user info, query or fragment");
            }
            parsed.add(prefix);
        }
        return List.copyOf(parsed);
    }

    /**
     * Whether {@code url} is under {@code prefix}: same scheme and host (case-insensitive), same effective port, no
     * user info, and a path equal to the prefix's path or continuing it after a {@code /}.
     */
    static boolean allows(URI prefix, URI url) {
        if (!url.isAbsolute() || url.isOpaque() || url.getHost() == null || url.getRawUserInfo() != null
                || url.getRawFragment() != null) {
            return false;
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals(prefix.getScheme().toLowerCase(Locale.ROOT))
                || !url.getHost().equalsIgnoreCase(prefix.getHost())
                || effectivePort(url) != effectivePort(prefix)) {
            return false;
        }
        String path = url.normalize().getRawPath() == null ? "" : url.normalize().getRawPath();
        String allowed = prefix.getRawPath() == null ? "" : prefix.getRawPath();
        if (path.contains("/../") || path.endsWith("/..") || path.startsWith("..")) {
            return false;
        }
        if (allowed.isEmpty() || allowed.equals("/")) {
            return true;
        }
        if (allowed.endsWith("/")) {
            return path.startsWith(allowed);
        }
        return path.equals(allowed) || path.startsWith(allowed + "/");
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    static Ed25519PrivateKeyParameters decodeSigningKey(String signingKey) {
        if (!signingKey.startsWith(SIGNING_KEY_PREFIX)) {
            throw new IllegalArgumentException("DG-6012: guard.notification.webhook.signing-key must start with '"
                    + SIGNING_KEY_PREFIX + "' followed by base64");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signingKey.substring(SIGNING_KEY_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DG-6012: guard.notification.webhook.signing-key is not valid base64");
        }
        if (bytes.length != 32 && bytes.length != 64) {
            throw new IllegalArgumentException("DG-6012: guard.notification.webhook.signing-key must hold an Ed25519 "
                    + "private key of 32 (or 64) bytes; it holds " + bytes.length);
        }
        return new Ed25519PrivateKeyParameters(bytes, 0);
    }

    static byte[] decodeSecret(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("DG-6012: guard.notification.webhook.secret must start with '"
                    + SECRET_PREFIX + "' followed by base64");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DG-6012: guard.notification.webhook.secret is not valid base64 after '"
                    + SECRET_PREFIX + "'");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("DG-6012: guard.notification.webhook.secret must hold at least 24 "
                    + "bytes (192 bits) and at most 64; it holds " + key.length);
        }
        return key;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void deliver(Notice notice) throws DeliveryException {
        long timestamp = clock.instant().getEpochSecond();
        String body = body(notice);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "DisclosureGuard")
                .header("webhook-id", notice.noticeId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", sign(notice.noticeId(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("webhook: " + url + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new DeliveryException("webhook: " + url + " unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("webhook: interrupted while sending to " + url, e);
        }
        int status = response.statusCode();
        if (status == 410) {
            throw new ReceiverGoneException("webhook: " + url + " answered HTTP 410 Gone");
        }
        if (RetryAfter.applies(status)) {
            String header = response.headers().firstValue("Retry-After").orElse(null);
            var wait = RetryAfter.parse(header, clock.instant());
            if (wait.isPresent()) {
                throw new DeliveryException("webhook: " + url + " answered HTTP " + status + " with Retry-After "
                        + wait.get().toSeconds() + " s", wait.get());
            }
        }
        if (status < 200 || status > 299) {
            throw new DeliveryException("webhook: " + url + " answered HTTP " + status);
        }
    }

    /** The message body for a notice. */
    static String body(Notice notice) {
        ObjectNode message = MAPPER.createObjectNode();
        message.put("type", switch (notice.kind()) {
            case Notice.RESTRICTED_HELD -> RESTRICTED_HELD_TYPE;
            case Notice.RESTRICTED_REFUSED -> RESTRICTED_REFUSED_TYPE;
            case Notice.TRACING_ALERT -> TRACING_ALERT_TYPE;
            default -> EVENT_TYPE;
        });
        message.put("timestamp", notice.time().toString());
        message.set("data", NoticeJson.toNode(notice));
        return message.toString();
    }

    /** The {@code webhook-signature} header value: {@code v1,<base64 HMAC-SHA256>} and/or {@code v1a,<base64>}. */
    String sign(String id, long timestamp, String body) {
        byte[] content = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder();
        if (key != null) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                header.append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal(content)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
            }
        }
        if (signingKey != null) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, signingKey);
            signer.update(content, 0, content.length);
            if (header.length() > 0) {
                header.append(' ');
            }
            header.append("v1a,").append(Base64.getEncoder().encodeToString(signer.generateSignature()));
        }
        return header.toString();
    }
}

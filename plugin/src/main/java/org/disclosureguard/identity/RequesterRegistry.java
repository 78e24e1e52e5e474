package org.disclosureguard.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.config.YamlNode;

/**
 * The registered requesters: who may ask the guard for data, of which class, and with which credentials. Read
 * from a YAML file whose format is described in {@code docs/requesters.md}; every problem (unknown field,
 * duplicate id, client id, fingerprint, subject or key, unknown class, bad key material) is a {@link
 * ConfigException} naming the line. Immutable and thread-safe once loaded.
 */
public final class RequesterRegistry {

    /** The file format version this guard reads. */
    public static final int VERSION = 1;

    private static final Set<String> TOP_KEYS = Set.of("version", "requesters");
    private static final Set<String> REQUESTER_KEYS =
            Set.of("id", "organisation", "class", "certificate", "token", "headerClaims", "internal");
    private static final Set<String> CERTIFICATE_KEYS = Set.of("subject", "sha256");
    private static final Set<String> TOKEN_KEYS = Set.of("clientId", "keys");
    private static final Set<String> KEY_KEYS = Set.of("jwk", "pem");

    /** Registry ids: lower-case letters, digits and hyphens, starting with a letter or digit. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** Client ids: visible ASCII without spaces. */
    private static final Pattern CLIENT_ID = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final int MAX_ORGANISATION = 200;

    private final String source;
    private final String digest;
    private final List<RegisteredRequester> requesters;
    private final Map<String, RegisteredRequester> byId;
    private final Map<String, RegisteredRequester> byClientId;
    /**
     * {@link #byCertificate} by the certificate's SHA-256 fingerprint: saves the scan of every registration (subject
     * comparisons included) on each request of a known partner. Safe because a registry never changes (a new file is
     * a new registry, with an empty cache) and the fingerprint names one certificate. Bounded; records statistics.
     */
    private final Cache<String, List<RegisteredRequester>> certificateLookups =
            Caffeine.newBuilder().maximumSize(CERTIFICATE_LOOKUPS).recordStats().build();

    /** The most certificates whose lookup is remembered. */
    static final int CERTIFICATE_LOOKUPS = 10_000;

    private RequesterRegistry(String source, String digest, List<RegisteredRequester> requesters) {
        this.source = source;
        this.digest = digest;
        this.requesters = List.copyOf(requesters);
        Map<String, RegisteredRequester> ids = new HashMap<>();
        Map<String, RegisteredRequester> clients = new HashMap<>();
        for (RegisteredRequester r : requesters) {
            ids.put(r.id(), r);
            if (r.token() != null) {
                clients.put(r.token().clientId(), r);
            }
        }
        this.byId = Map.copyOf(ids);
        this.byClientId = Map.copyOf(clients);
    }

    /** Reads a registry file; PEM key paths in it are relative to the file's directory. */
    public static RequesterRegistry load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot be read: " + e.getMessage());
        }
        Path parent = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, parent);
    }

    /**
     * Reads registry text.
     *
     * @param source a name for the text used in error messages
     * @param baseDirectory the directory PEM key paths are relative to
     */
    public static RequesterRegistry parse(String source, String yamlText, Path baseDirectory) {
        YamlNode root = YamlNode.parse(source, yamlText);
        root.requireOnlyKeys(TOP_KEYS);
        YamlNode version = root.require("version");
        if (version.integer() != VERSION) {
            throw version.error("unsupported version " + version.text() + " (this guard reads version " + VERSION
                    + ")");
        }
        Uniqueness unique = new Uniqueness();
        List<RegisteredRequester> requesters = new ArrayList<>();
        for (YamlNode entry : root.require("requesters").items()) {
            requesters.add(requester(entry, baseDirectory, unique));
        }
        return new RequesterRegistry(source, sha256(yamlText), requesters);
    }

    private static RegisteredRequester requester(YamlNode entry, Path baseDirectory, Uniqueness unique) {
        entry.requireOnlyKeys(REQUESTER_KEYS);
        YamlNode idNode = entry.require("id");
        String id = idNode.text();
        if (!ID.matcher(id).matches()) {
            throw idNode.error("id '" + id + "' must be lower-case letters, digits and hyphens (at most 63)");
        }
        unique.claim("id", id, idNode);
        YamlNode orgNode = entry.require("organisation");
        String organisation = orgNode.text();
        if (organisation.length() > MAX_ORGANISATION || organisation.chars().anyMatch(Character::isISOControl)) {
            throw orgNode.error("organisation must be at most " + MAX_ORGANISATION + " characters without control "
                    + "characters");
        }
        YamlNode classNode = entry.require("class");
        RequesterClass requesterClass = RequesterClass.fromCode(classNode.text());
        if (requesterClass == null) {
            throw classNode.error("unknown requester class '" + classNode.text() + "' (expected one of "
                    + RequesterClass.codes() + ")");
        }
        CertificateCredential certificate = entry.get("certificate") == null
                ? null
                : certificate(entry.get("certificate"), unique);
        TokenCredential token = entry.get("token") == null
                ? null
                : token(entry.get("token"), baseDirectory, unique);
        if (certificate == null && token == null) {
            throw entry.error("requester '" + id + "' needs a 'certificate', a 'token', or both");
        }
        boolean headerClaims = flag(entry.get("headerClaims"));
        if (headerClaims && certificate == null) {
            throw entry.get("headerClaims").error("headerClaims are honoured only over mutual TLS: requester '" + id
                    + "' has no 'certificate'");
        }
        boolean internal = flag(entry.get("internal"));
        if (internal && requesterClass != RequesterClass.PRACTICE) {
            throw entry.get("internal").error("only requesters of class 'practice' can be internal");
        }
        return new RegisteredRequester(id, organisation, requesterClass, certificate, token, headerClaims, internal,
                entry.line());
    }

    private static CertificateCredential certificate(YamlNode node, Uniqueness unique) {
        node.requireOnlyKeys(CERTIFICATE_KEYS);
        String sha256 = null;
        YamlNode shaNode = node.get("sha256");
        if (shaNode != null) {
            sha256 = CertificateFingerprint.normalise(shaNode.text());
            if (sha256 == null) {
                throw shaNode.error("sha256 must be a SHA-256 fingerprint: 64 hex digits, colons allowed");
            }
            unique.claim("certificate fingerprint", sha256, shaNode);
        }
        X500Principal subject = null;
        YamlNode subjectNode = node.get("subject");
        if (subjectNode != null) {
            try {
                subject = new X500Principal(subjectNode.text());
            } catch (IllegalArgumentException e) {
                throw subjectNode.error("subject is not a distinguished name such as 'CN=id,OU=class,O=organisation': "
                        + e.getMessage());
            }
            if (subject.getEncoded().length <= 2) {
                throw subjectNode.error("subject must not be empty");
            }
            unique.claim("certificate subject", CertificateCredential.canonical(subject), subjectNode);
        }
        if (sha256 == null && subject == null) {
            throw node.error("a certificate needs a 'subject', a 'sha256' fingerprint, or both");
        }
        return new CertificateCredential(sha256, subject);
    }

    private static TokenCredential token(YamlNode node, Path baseDirectory, Uniqueness unique) {
        node.requireOnlyKeys(TOKEN_KEYS);
        YamlNode clientNode = node.require("clientId");
        String clientId = clientNode.text();
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw clientNode.error("clientId must be visible ASCII characters without spaces (at most 255)");
        }
        unique.claim("clientId", clientId, clientNode);
        List<JWK> keys = new ArrayList<>();
        YamlNode keysNode = node.require("keys");
        for (YamlNode item : keysNode.items()) {
            item.requireOnlyKeys(KEY_KEYS);
            YamlNode jwkNode = item.get("jwk");
            YamlNode pemNode = item.get("pem");
            if ((jwkNode == null) == (pemNode == null)) {
                throw item.error("each key needs exactly one of 'jwk' or 'pem'");
            }
            JWK key = jwkNode != null ? RegistryKeys.fromJwk(jwkNode) : RegistryKeys.fromPem(pemNode, baseDirectory);
            YamlNode where = jwkNode != null ? jwkNode : pemNode;
            try {
                unique.claim("key", key.computeThumbprint().toString(), where);
            } catch (JOSEException e) {
                throw where.error("cannot compute the key's thumbprint: " + e.getMessage());
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw keysNode.error("a token needs at least one key");
        }
        return new TokenCredential(clientId, keys);
    }

    private static boolean flag(YamlNode node) {
        if (node == null) {
            return false;
        }
        return switch (node.text()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw node.error("expected true or false, found '" + node.text() + "'");
        };
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the registry was read from. */
    public String source() {
        return source;
    }

    /** The SHA-256 of the registry text (64 hex digits), to name the registry version in audit records. */
    public String digest() {
        return digest;
    }

    /** Every registered requester, in file order. */
    public List<RegisteredRequester> requesters() {
        return requesters;
    }

    public Optional<RegisteredRequester> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The requester whose tokens carry this client id as {@code iss} and {@code sub}. */
    public Optional<RegisteredRequester> byClientId(String clientId) {
        return Optional.ofNullable(byClientId.get(clientId));
    }

    /**
     * The requesters whose certificate credential names this certificate. Normally none or one; more than one
     * means two registrations overlap (one by subject, one by fingerprint) and the certificate must be refused.
     * The caller must have validated the certificate against the partner CA first.
     */
    public List<RegisteredRequester> byCertificate(X509Certificate certificate) {
        String sha256 = CertificateFingerprint.sha256(certificate);
        return certificateLookups.get(sha256, key -> {
            List<RegisteredRequester> matches = new ArrayList<>();
            for (RegisteredRequester r : requesters) {
                if (r.certificate() != null && r.certificate().matches(certificate, key)) {
                    matches.add(r);
                }
            }
            return List.copyOf(matches);
        });
    }

    /** The cache of certificate lookups by fingerprint, for metrics (hit rate, size, evictions). */
    public Cache<String, ?> certificateLookups() {
        return certificateLookups;
    }

    /** Remembers values that must be unique across the whole file, with the line that first used each. */
    private static final class Uniqueness {
        private final Map<String, Integer> seen = new LinkedHashMap<>();

        void claim(String what, String value, YamlNode node) {
            Integer first = seen.putIfAbsent(what + "\u0000" + value, node.line());
            if (first != null) {
                throw node.error("duplicate " + what + " '" + shorten(value) + "' (first used on line " + first + ")");
            }
        }

        private static String shorten(String value) {
            return value.length() > 80 ? value.substring(0, 77) + "..." : value;
        }
    }
}

package org.disclosureguard.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides who is asking, from the TLS client certificate chain and the request headers, before anything else
 * happens to a request. The rules (documented for requesters in {@code docs/requesters.md}):
 *
 * <ol>
 *   <li>Headers that claim a client certificate or a client address ({@link #FORWARDED_IDENTITY_HEADERS}) are
 *       refused: the guard terminates TLS itself, so such a header can only be a forgery.
 *   <li>A client certificate must chain to the partner CA, be within its validity, not be revoked (a current
 *       CRL is required), carry {@code clientAuth}, and match exactly one registered requester.
 *   <li>A bearer token must be a JWS signed with RS256, ES256 or EdDSA by a key registered for its issuer
 *       ({@code iss} = {@code sub} = the client id), name the guard's audience, carry {@code exp} (at most five
 *       minutes ahead), {@code iat} and a {@code jti} not seen before; {@code nbf} is optional. Clock skew of
 *       {@link #DEFAULT_CLOCK_SKEW} (configurable) is allowed on the token's times; certificate validity is
 *       checked exactly.
 *   <li>When both are present they must identify the same requester.
 *   <li>Purpose of use, legal basis, case reference and requesting officer come from the token's signed claims,
 *       or from {@code X-DG-*} headers only over mutual TLS from a requester whose registration allows it.
 *       Such headers from anyone else are refused; a header that contradicts a signed claim is refused.
 *   <li>No credentials and no claim headers: an {@link AnonymousRequest}.
 * </ol>
 *
 * <p>Immutable and thread-safe; the replay cache it shares is thread-safe. Time comes only from the injected
 * clock. Cost: one PKIX validation and/or one signature verification per call, no I/O.
 */
public final class RequesterAuthenticator {

    /** The clock skew allowed by default on token and certificate times. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** The largest clock skew that can be configured. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** The longest a token may still be valid when presented (its {@code exp} minus now). */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** The signature algorithms accepted; everything else ({@code none}, HS*, PS*, ...) is refused. */
    public static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
    /** Headers that claim a client certificate or client address; any of them refuses the request. */
    public static final List<String> FORWARDED_IDENTITY_HEADERS = List.of(
            "X-Forwarded-Client-Cert", "X-SSL-Client-Cert", "X-SSL-Client-DN", "X-SSL-Client-Verify",
            "X-Client-Cert", "X-ARR-ClientCert", "SSL-Client-Cert", "Client-Cert", "Client-Cert-Chain",
            "Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Client-IP", "True-Client-IP");

    static final int MAX_AUTHORIZATION_LENGTH = 8192;
    static final int MAX_CLAIM_LENGTH = 256;
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9._:/|#-]{1," + MAX_CLAIM_LENGTH + "}");

    private final RequesterRegistry registry;
    private final PartnerCaTrust trust;
    private final Clock clock;
    private final Duration skew;
    private final TokenReplayCache replayCache;

    private RequesterAuthenticator(Builder builder) {
        this.registry = builder.registry;
        this.trust = builder.trust;
        this.clock = builder.clock;
        this.skew = builder.skew;
        this.replayCache = builder.replayCache != null
                ? builder.replayCache
                : new TokenReplayCache(TokenReplayCache.DEFAULT_CAPACITY, builder.skew, builder.clock);
    }

    /**
     * Starts an authenticator over a registry and the partner CA trust ({@link PartnerCaTrust#none()} for a
     * guard that accepts tokens only).
     */
    public static Builder builder(RequesterRegistry registry, PartnerCaTrust trust) {
        return new Builder(registry, trust);
    }

    /** The cache of token ids seen (replay protection), for metrics. */
    public TokenReplayCache replayCache() {
        return replayCache;
    }

    /** The registry requesters are identified against. */
    public RequesterRegistry registry() {
        return registry;
    }

    /**
     * Identifies the requester of one request.
     *
     * @param clientChain the TLS client certificate chain, leaf first; {@code null} or empty without mutual TLS
     * @param headers the request headers, names in any case (the gateway joins repeated headers with commas);
     *     {@code null} is treated as none
     * @param expectedAudience the guard's token audience (for example its FHIR base URL); never {@code null}
     * @return never {@code null}
     */
    public AuthenticationResult authenticate(X509Certificate[] clientChain, Map<String, String> headers,
            String expectedAudience) {
        if (expectedAudience == null || expectedAudience.isBlank()) {
            throw new IllegalArgumentException("the expected audience is required");
        }
        Headers h = new Headers(headers);
        Instant now = clock.instant();

        for (String name : FORWARDED_IDENTITY_HEADERS) {
            if (h.has(name)) {
                return failure(AuthenticationError.FORWARDED_IDENTITY_HEADER, "header " + name + " present");
            }
        }

        RegisteredRequester byCertificate = null;
        String sha256 = null;
        String serial = null;
        if (clientChain != null && clientChain.length > 0) {
            for (X509Certificate c : clientChain) {
                if (c == null) {
                    return failure(AuthenticationError.CERTIFICATE_UNTRUSTED, "the chain contains a null certificate");
                }
            }
            Optional<AuthenticationFailure> invalid = trust.check(clientChain, now);
            if (invalid.isPresent()) {
                return invalid.get();
            }
            X509Certificate leaf = clientChain[0];
            List<RegisteredRequester> matches = registry.byCertificate(leaf);
            sha256 = CertificateFingerprint.sha256(leaf);
            String who = "certificate " + leaf.getSubjectX500Principal() + " sha256 " + sha256;
            if (matches.isEmpty()) {
                return failure(AuthenticationError.CERTIFICATE_UNKNOWN, who + " is not registered");
            }
            if (matches.size() > 1) {
                return failure(AuthenticationError.CERTIFICATE_UNKNOWN, who + " matches more than one registration: "
                        + matches.stream().map(RegisteredRequester::id).toList());
            }
            byCertificate = matches.get(0);
            serial = leaf.getSerialNumber().toString(16);
        }

        VerifiedToken token = null;
        if (h.has("Authorization")) {
            Object outcome = verifyToken(h, expectedAudience, now);
            if (outcome instanceof AuthenticationFailure failure) {
                return failure;
            }
            token = (VerifiedToken) outcome;
        }

        Map<Claim, String> headerClaims = new EnumMap<>(Claim.class);
        for (Claim claim : Claim.values()) {
            if (h.has(claim.header())) {
                headerClaims.put(claim, h.duplicated(claim.header()) ? null : h.get(claim.header()));
            }
        }

        if (byCertificate == null && token == null) {
            if (!headerClaims.isEmpty()) {
                return failure(AuthenticationError.HEADER_CLAIMS_NOT_ALLOWED,
                        "claim headers " + headerNames(headerClaims) + " without credentials");
            }
            return new AnonymousRequest();
        }
        if (byCertificate != null && token != null && !byCertificate.id().equals(token.requester().id())) {
            return failure(AuthenticationError.CREDENTIALS_DISAGREE, "certificate identifies '" + byCertificate.id()
                    + "', token identifies '" + token.requester().id() + "'");
        }
        RegisteredRequester requester = byCertificate != null ? byCertificate : token.requester();

        if (!headerClaims.isEmpty()) {
            if (byCertificate == null) {
                return failure(AuthenticationError.HEADER_CLAIMS_NOT_ALLOWED, "requester '" + requester.id()
                        + "' sent claim headers " + headerNames(headerClaims) + " without mutual TLS");
            }
            if (!requester.headerClaimsAllowed()) {
                return failure(AuthenticationError.HEADER_CLAIMS_NOT_ALLOWED, "requester '" + requester.id()
                        + "' is not registered for claim headers but sent " + headerNames(headerClaims));
            }
        }

        Map<Claim, String> values = new EnumMap<>(Claim.class);
        Map<Claim, ClaimSource> sources = new EnumMap<>(Claim.class);
        if (token != null) {
            values.putAll(token.claims());
            token.claims().keySet().forEach(c -> sources.put(c, ClaimSource.SIGNED_TOKEN));
        }
        for (Map.Entry<Claim, String> entry : headerClaims.entrySet()) {
            Claim claim = entry.getKey();
            String value = entry.getValue();
            if (!validClaim(claim, value)) {
                return failure(AuthenticationError.MALFORMED_CLAIM, "header " + claim.header() + " from '"
                        + requester.id() + "' is not a valid value");
            }
            String signed = values.get(claim);
            if (signed != null && !signed.equals(value)) {
                return failure(AuthenticationError.HEADER_CONTRADICTS_TOKEN, "header " + claim.header() + " from '"
                        + requester.id() + "' differs from the signed claim " + claim.jwtClaim());
            }
            if (signed == null) {
                values.put(claim, value);
                sources.put(claim, ClaimSource.MTLS_HEADER);
            }
        }

        Set<CredentialKind> kinds = EnumSet.noneOf(CredentialKind.class);
        if (byCertificate != null) {
            kinds.add(CredentialKind.CLIENT_CERTIFICATE);
        }
        if (token != null) {
            kinds.add(CredentialKind.BEARER_TOKEN);
        }
        return new AuthenticatedRequester(requester, BoundClaims.of(values, sources), kinds,
                token == null ? null : token.jti(), token == null ? null : token.expiry(), sha256, serial);
    }

    /** Returns a {@link VerifiedToken} or an {@link AuthenticationFailure}. */
    private Object verifyToken(Headers h, String expectedAudience, Instant now) {
        if (h.duplicated("Authorization")) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "more than one Authorization header");
        }
        String authorization = h.get("Authorization").trim();
        if (authorization.length() > MAX_AUTHORIZATION_LENGTH) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "Authorization header longer than "
                    + MAX_AUTHORIZATION_LENGTH + " characters");
        }
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        if (!scheme.equalsIgnoreCase("Bearer")) {
            return failure(AuthenticationError.UNSUPPORTED_AUTHORIZATION, "Authorization scheme '"
                    + scheme.toLowerCase(Locale.ROOT) + "'");
        }
        String compact = space < 0 ? "" : authorization.substring(space + 1).trim();
        if (compact.isEmpty() || compact.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "the bearer token is empty or contains spaces");
        }

        JWT jwt;
        try {
            jwt = JWTParser.parse(compact);
        } catch (ParseException e) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "not a JWT: " + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            return failure(AuthenticationError.TOKEN_ALGORITHM_REFUSED, "unsigned token (alg none)");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return failure(AuthenticationError.TOKEN_ALGORITHM_REFUSED, "encrypted token (JWE)");
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm algorithm = header.getAlgorithm();
        if (!ALLOWED_ALGORITHMS.contains(algorithm)) {
            return failure(AuthenticationError.TOKEN_ALGORITHM_REFUSED, "algorithm " + algorithm);
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "critical header parameters "
                    + header.getCriticalParams());
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "unreadable claims: " + e.getMessage());
        }
        String issuer = claims.getIssuer();
        if (issuer == null || !issuer.equals(claims.getSubject())) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "iss and sub must both be the client id");
        }
        Optional<RegisteredRequester> registered = registry.byClientId(issuer);
        if (registered.isEmpty()) {
            return failure(AuthenticationError.TOKEN_UNKNOWN_ISSUER, "issuer '" + issuer + "' is not registered");
        }
        RegisteredRequester requester = registered.get();

        List<JWK> candidates = new ArrayList<>();
        for (JWK key : requester.token().keys()) {
            boolean kidMatches = header.getKeyID() == null || key.getKeyID() == null
                    || header.getKeyID().equals(key.getKeyID());
            if (RegistryKeys.algorithmFor(key).equals(algorithm) && kidMatches) {
                candidates.add(key);
            }
        }
        if (candidates.isEmpty()) {
            return failure(AuthenticationError.TOKEN_KEY_MISMATCH, "issuer '" + issuer + "' has no registered key for "
                    + algorithm + (header.getKeyID() == null ? "" : " with kid '" + header.getKeyID() + "'"));
        }
        boolean verified = false;
        for (JWK key : candidates) {
            try {
                if (signed.verify(verifierFor(key))) {
                    verified = true;
                    break;
                }
            } catch (JOSEException | RuntimeException e) {
                // a signature that cannot be checked is a bad signature
            }
        }
        if (!verified) {
            return failure(AuthenticationError.TOKEN_SIGNATURE_INVALID, "signature of a token from '" + issuer
                    + "' does not verify");
        }

        // From here on the claims are the issuer's own.
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(expectedAudience)) {
            return failure(AuthenticationError.TOKEN_WRONG_AUDIENCE, "token from '" + issuer + "' for audience "
                    + audience);
        }
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        String jti = claims.getJWTID();
        if (exp == null || iat == null || jti == null || jti.isBlank() || jti.length() > MAX_CLAIM_LENGTH) {
            return failure(AuthenticationError.TOKEN_MALFORMED, "token from '" + issuer
                    + "' lacks exp, iat or a jti of at most " + MAX_CLAIM_LENGTH + " characters");
        }
        Instant expiry = exp.toInstant();
        if (!now.isBefore(expiry.plus(skew))) {
            return failure(AuthenticationError.TOKEN_EXPIRED, "token from '" + issuer + "' expired at " + expiry);
        }
        if (iat.toInstant().isAfter(now.plus(skew))) {
            return failure(AuthenticationError.TOKEN_NOT_YET_VALID, "token from '" + issuer + "' issued at "
                    + iat.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            return failure(AuthenticationError.TOKEN_NOT_YET_VALID, "token from '" + issuer + "' not before "
                    + nbf.toInstant());
        }
        if (expiry.isAfter(now.plus(MAX_TOKEN_LIFETIME).plus(skew))) {
            return failure(AuthenticationError.TOKEN_LIFETIME_TOO_LONG, "token from '" + issuer + "' expires at "
                    + expiry);
        }

        Map<Claim, String> signedClaims = new EnumMap<>(Claim.class);
        for (Claim claim : Claim.values()) {
            Object value = claims.getClaim(claim.jwtClaim());
            if (value == null) {
                continue;
            }
            if (!(value instanceof String text) || !validClaim(claim, text)) {
                return failure(AuthenticationError.MALFORMED_CLAIM, "claim " + claim.jwtClaim() + " in a token from '"
                        + issuer + "' is not a valid value");
            }
            signedClaims.put(claim, text);
        }

        switch (replayCache.offer(issuer, jti, expiry)) {
            case REPLAY:
                return failure(AuthenticationError.TOKEN_REPLAYED, "jti '" + jti + "' from '" + issuer
                        + "' seen before");
            case FULL:
                return failure(AuthenticationError.TOKEN_REPLAY_CACHE_FULL, "replay cache full; token from '"
                        + issuer + "' refused");
            default:
                break;
        }
        return new VerifiedToken(requester, signedClaims, jti, expiry);
    }

    private static JWSVerifier verifierFor(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        return new Ed25519JwsVerifier((OctetKeyPair) key);
    }

    private static boolean validClaim(Claim claim, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_CLAIM_LENGTH
                || value.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        return !claim.isCode() || CODE.matcher(value).matches();
    }

    private static String headerNames(Map<Claim, String> claims) {
        return claims.keySet().stream().map(Claim::header).toList().toString();
    }

    private static AuthenticationFailure failure(AuthenticationError error, String detail) {
        return new AuthenticationFailure(error, Text.printable(detail));
    }

    private record VerifiedToken(RegisteredRequester requester, Map<Claim, String> claims, String jti,
            Instant expiry) {}

    /** Header lookup by name in any case; names that occur twice in different cases are marked duplicated. */
    private static final class Headers {
        private final Map<String, String> values = new HashMap<>();
        private final Set<String> duplicated = new HashSet<>();

        Headers(Map<String, String> headers) {
            if (headers == null) {
                return;
            }
            headers.forEach((name, value) -> {
                if (name == null) {
                    return;
                }
                String key = name.toLowerCase(Locale.ROOT);
                if (values.put(key, value == null ? "" : value) != null) {
                    duplicated.add(key);
                }
            });
        }

        boolean has(String name) {
            return values.containsKey(name.toLowerCase(Locale.ROOT));
        }

        String get(String name) {
            return values.get(name.toLowerCase(Locale.ROOT));
        }

        boolean duplicated(String name) {
            return duplicated.contains(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Configures a {@link RequesterAuthenticator}. Not thread-safe; build once. */
    public static final class Builder {
        private final RequesterRegistry registry;
        private final PartnerCaTrust trust;
        private Clock clock = Clock.systemUTC();
        private Duration skew = DEFAULT_CLOCK_SKEW;
        private TokenReplayCache replayCache;

        private Builder(RequesterRegistry registry, PartnerCaTrust trust) {
            if (registry == null || trust == null) {
                throw new IllegalArgumentException("a registry and a partner CA trust are required");
            }
            this.registry = registry;
            this.trust = trust;
        }

        /** The clock all time checks use; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The clock skew allowed on token times, between zero and {@link #MAX_CLOCK_SKEW}. */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW);
            }
            this.skew = skew;
            return this;
        }

        /**
         * The replay cache to share across authenticators (keep one for the life of the guard). By default a new
         * cache of {@link TokenReplayCache#DEFAULT_CAPACITY} ids on this builder's clock.
         */
        public Builder replayCache(TokenReplayCache replayCache) {
            this.replayCache = replayCache;
            return this;
        }

        public RequesterAuthenticator build() {
            return new RequesterAuthenticator(this);
        }
    }
}

package org.disclosureguard.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The page tokens the guard puts in search-result links in place of the practice server's page ids. A token is
 * random (144 bits from {@link SecureRandom}), means nothing outside this guard instance, and is granted to one
 * requester under one policy version: the guard serves the page only to that requester, only while that policy is in
 * force, and only until the token expires. The practice server's page id, offset and page size stay inside the guard,
 * so a requester can neither see them nor edit them to reach another search's pages.
 *
 * <p>Tokens live in memory (a bounded Caffeine cache): a page link works on the instance that issued it, and after a
 * restart a requester repeats its search. Thread-safe.
 */
public final class PageTokens {

    /** How long a token is honoured after it was issued: the practice server keeps its searches no longer. */
    public static final Duration LIFETIME = Duration.ofHours(1);

    /** The most tokens held at once; the oldest go first beyond it. */
    public static final long MAXIMUM = 200_000;

    /**
     * What a token stands for.
     *
     * @param requesterId the policy requester id the page was issued to
     * @param policyVersion the version of the policy that decided the search
     * @param upstreamQuery the practice server's page query, relative to its base ({@code ?_getpages=...})
     */
    public record Grant(String requesterId, String policyVersion, String upstreamQuery) {
        public Grant {
            Objects.requireNonNull(requesterId, "requesterId");
            Objects.requireNonNull(policyVersion, "policyVersion");
            Objects.requireNonNull(upstreamQuery, "upstreamQuery");
        }
    }

    private final Cache<String, Grant> grants = Caffeine.newBuilder()
            .expireAfterWrite(LIFETIME)
            .maximumSize(MAXIMUM)
            .recordStats()
            .build();
    private final SecureRandom random = new SecureRandom();

    /** @return a new token for the grant */
    public String issue(Grant grant) {
        Objects.requireNonNull(grant, "grant");
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        grants.put(token, grant);
        return token;
    }

    /** @return what the token stands for, or empty if this instance never issued it or it has expired */
    public Optional<Grant> grant(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(grants.getIfPresent(token));
    }

    /** The cache behind the tokens, for its metrics. */
    public Cache<String, Grant> cache() {
        return grants;
    }
}

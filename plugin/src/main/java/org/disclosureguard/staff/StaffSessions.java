package org.disclosureguard.staff;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Signed-in staff: an unguessable session token (the cookie) per sign-in, with its own CSRF token for the forms,
 * held in memory (Caffeine) and forgotten after {@code idle} without use. A guard restart signs everyone out.
 * Thread-safe.
 */
public final class StaffSessions {

    /** A signed-in member. */
    public record Session(String token, String csrf, StaffMember member) {
        public Session {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(csrf, "csrf");
            Objects.requireNonNull(member, "member");
        }

        /** Whether a submitted CSRF token is this session's (compared in constant time). */
        public boolean csrfMatches(String submitted) {
            return submitted != null && MessageDigest.isEqual(csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    submitted.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private final Cache<String, Session> sessions;
    private final SecureRandom random = new SecureRandom();

    public StaffSessions(Duration idle) {
        this.sessions = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(10_000).recordStats().build();
    }

    /** The sessions, for metrics (size, hit rate, evictions); the tokens are never exposed by the metrics. */
    public Cache<String, ?> cache() {
        return sessions;
    }

    /** Signs a member in. */
    public Session open(StaffMember member) {
        Session session = new Session(token(), token(), member);
        sessions.put(session.token(), session);
        return session;
    }

    /** The session of a token, if it is signed in. */
    public Optional<Session> find(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(sessions.getIfPresent(token));
    }

    /** Signs a session out. */
    public void close(String token) {
        if (token != null) {
            sessions.invalidate(token);
        }
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package org.disclosureguard.app;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.disclosureguard.gateway.DisclosureControl;
import org.disclosureguard.gateway.ResponsePath;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.staff.StaffSessions;
import org.disclosureguard.tracing.TracingDetector;
import org.disclosureguard.notification.NotificationOutbox;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The guard's metrics: gauges over the notification outbox (pending, failed, held by a disabled channel, the age of
 * the oldest pending notice), beside the relay's counters, and the Prometheus scrape endpoint
 * ({@code /actuator/prometheus}) and health endpoint ({@code /actuator/health}, with details), answered only to the
 * practice itself (as every {@code /staff} page) and 404 to anyone else, so that outside requesters on the TLS
 * listener learn nothing about the practice's traffic.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    /** Bound to the meter registry by Spring Boot, like every {@link MeterBinder} bean. */
    @Bean
    MeterBinder notificationGauges(NotificationOutbox outbox) {
        return registry -> {
            Gauge.builder("guard.notifications.pending", outbox, o -> o.health().pending()).register(registry);
            Gauge.builder("guard.notifications.failed", outbox, o -> o.health().failed()).register(registry);
            Gauge.builder("guard.notifications.disabled", outbox, o -> o.health().disabled()).register(registry);
            Gauge.builder("guard.notifications.oldest.pending.seconds", outbox,
                    o -> o.health().oldestPending().map(d -> (double) d.toSeconds()).orElse(0.0)).register(registry);
        };
    }

    /**
     * Every in-memory cache of the guard, by the name its metrics carry ({@code cache} tag): each is a bounded
     * Caffeine cache that records statistics ({@code docs/limits.md}, "Caches").
     */
    static Map<String, Cache<?, ?>> caches(RequesterAuthenticator authenticator, DisclosureControl control,
            ResponsePath responsePath, TracingDetector detector, StaffSessions sessions) {
        Map<String, Cache<?, ?>> caches = new LinkedHashMap<>();
        caches.put("jwt.replay", authenticator.replayCache().cache());
        caches.put("certificate.requester", authenticator.registry().certificateLookups());
        caches.putAll(control.limitWindows());
        caches.put("tracing.windows", detector.windows());
        caches.putAll(responsePath.caches());
        caches.put("staff.sessions", sessions.cache());
        return caches;
    }

    /**
     * The caches' hit rate, size and evictions ({@code cache_gets_total}, {@code cache_size},
     * {@code cache_evictions_total}, tag {@code cache}), and the number of rule conditions the policy in force
     * compiled ({@code guard_policy_compiled_rules}): compiled once per policy load, there is no cache of them.
     */
    @Bean
    MeterBinder cacheMetrics(RequesterAuthenticator authenticator, DisclosureControl control, ResponsePath responsePath,
            TracingDetector detector, StaffSessions sessions, PolicyStore policyStore) {
        return registry -> {
            caches(authenticator, control, responsePath, detector, sessions)
                    .forEach((name, cache) -> CaffeineCacheMetrics.monitor(registry, cache, name, List.of()));
            Gauge.builder("guard.policy.compiled.rules", policyStore, p -> p.current().compiledRuleCount())
                    .description("rule conditions compiled by the policy in force (once per load)").register(registry);
        };
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> prometheusOnlyForThePractice() {
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                if (StaffAccess.fromThePractice(request)) {
                    chain.doFilter(request, response);
                    return;
                }
                byte[] body = StaffAccess.notFound().getBody().getBytes(StandardCharsets.UTF_8);
                response.setStatus(404);
                response.setContentType("application/json");
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/actuator/prometheus", "/actuator/prometheus/*", "/actuator/health",
                "/actuator/health/*");
        return registration;
    }
}

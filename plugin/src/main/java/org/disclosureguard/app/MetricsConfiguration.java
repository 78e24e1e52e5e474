package org.disclosureguard.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

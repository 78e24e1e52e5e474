package org.disclosureguard.app;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.notification.ClinicianContacts;
import org.disclosureguard.notification.NotificationOutbox;
import org.disclosureguard.notification.OutboxReconciler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The operational side of clinician notification ({@code docs/notifications.md}): the look-up of the registered
 * clinician's e-mail address on the practice FHIR server (with its cache's metrics, {@value
 * ClinicianContacts#CACHE_NAME}), the {@code notifications} health component over the outbox, and the periodic
 * reconciliation of the audit chain with the outbox (counted as {@code guard.notifications.reconciled}).
 */
@Configuration(proxyBeanMethods = false)
class NotificationOperationsConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationOperationsConfiguration.class);

    /**
     * Reads clinicians' e-mail addresses from the practice FHIR server ({@code guard.upstream.base-url}) and nowhere
     * else; used by the e-mail channel when {@code guard.notification.email.clinician} is true.
     */
    @Bean
    ClinicianContacts clinicianContacts(NotificationProperties properties, GuardProperties guard) {
        NotificationProperties.Email email = properties.email();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new ClinicianContacts(guard.getUpstream().getBaseUrl(), http, properties.fhirInbox().timeout(), Map.of(),
                email == null ? Duration.ofMinutes(5) : email.clinicianCacheTtl(),
                email == null ? 1000 : email.clinicianCacheSize(), Clock.systemUTC(), Ticker.systemTicker());
    }

    /** The contact cache's size, hits, misses and evictions as Micrometer cache metrics. */
    @Bean
    MeterBinder clinicianContactsCacheMetrics(ClinicianContacts clinicianContacts) {
        return registry -> CaffeineCacheMetrics.monitor(registry, clinicianContacts.cache(),
                ClinicianContacts.CACHE_NAME);
    }

    /** The {@code notifications} component of {@code /actuator/health}. */
    @Bean
    NotificationHealthIndicator notificationsHealthIndicator(NotificationOutbox notificationOutbox,
            NotificationProperties properties) {
        Duration max = properties.health() == null ? null : properties.health().maxPendingAge();
        if (max == null) {
            max = NotificationHealthIndicator.defaultMaxPendingAge(
                    !NotificationConfiguration.digests(properties).isEmpty());
        }
        return new NotificationHealthIndicator(notificationOutbox::health, notificationOutbox::disabledChannels, max);
    }

    /**
     * Checks the audit chain against the outbox every {@code guard.notification.reconciliation.interval} and writes
     * back missing rows, counting them per channel in {@code guard.notifications.reconciled}.
     */
    @Bean(destroyMethod = "close")
    OutboxReconciler outboxReconciler(NotificationOutbox notificationOutbox, JdbcAuditStore auditStore,
            NotificationProperties properties, ObjectProvider<MeterRegistry> registries) {
        NotificationProperties.Reconciliation settings = properties.reconciliation() == null
                ? new NotificationProperties.Reconciliation(true, Duration.ofMinutes(10), 1000)
                : properties.reconciliation();
        MeterRegistry registry = registries.getIfAvailable();
        if (registry != null) {
            for (String channel : notificationOutbox.channels()) {
                registry.counter("guard.notifications.reconciled", "channel", channel);
            }
        }
        OutboxReconciler reconciler = new OutboxReconciler(notificationOutbox, auditStore, settings.batchSize(), 50,
                run -> {
                    if (registry != null) {
                        run.rowsWritten().forEach((channel, n) -> registry.counter("guard.notifications.reconciled",
                                "channel", channel).increment(n));
                    }
                });
        if (settings.enabled()) {
            reconciler.start(settings.interval());
        } else {
            LOG.info("Notification reconciliation is off (guard.notification.reconciliation.enabled=false)");
        }
        return reconciler;
    }
}

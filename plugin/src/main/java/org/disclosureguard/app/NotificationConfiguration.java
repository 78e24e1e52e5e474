package org.disclosureguard.app;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.gateway.PatientOnRecord;
import org.disclosureguard.notification.ClinicianContacts;
import org.disclosureguard.notification.DigestChannel;
import org.disclosureguard.notification.DigestSchedule;
import org.disclosureguard.notification.DigestSender;
import org.disclosureguard.notification.EmailChannel;
import org.disclosureguard.notification.FhirInboxChannel;
import org.disclosureguard.notification.NoticeFactory;
import org.disclosureguard.notification.NoticeSubject;
import org.disclosureguard.notification.NotificationChannel;
import org.disclosureguard.notification.NotificationMetrics;
import org.disclosureguard.notification.NotificationOutbox;
import org.disclosureguard.notification.NotificationRelay;
import org.disclosureguard.notification.PlainWords;
import org.disclosureguard.notification.RetryPolicy;
import org.disclosureguard.notification.WebhookChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires clinician notification: the channels the practice chose ({@link NotificationProperties}), the outbox whose
 * rows are written in the same transaction as each disclosure's audit entry, and the relay that delivers them with
 * retries. Nothing is lost when a channel is down: the rows wait in the database.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationProperties.class)
class NotificationConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationConfiguration.class);

    @Bean
    List<NotificationChannel> notificationChannels(NotificationProperties properties, GuardProperties guard,
            ClinicianContacts clinicianContacts) {
        List<NotificationChannel> channels = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        if (properties.fhirInbox().enabled()) {
            channels.add(new FhirInboxChannel(guard.getUpstream().getBaseUrl(), http, properties.fhirInbox().timeout(),
                    Clock.systemUTC(), properties.fhirInbox().senderDisplay(), Map.of()));
        }
        NotificationProperties.Webhook webhook = properties.webhook();
        if (webhook != null && webhook.url() != null) {
            channels.add(new WebhookChannel(webhook.url(), webhook.secret(), webhook.signingKey(), http,
                    webhook.timeout(), Clock.systemUTC(), webhook.allowedUrls() == null || webhook.allowedUrls().isEmpty()
                            ? List.of(webhook.url().toString()) : webhook.allowedUrls()));
        }
        NotificationProperties.Email email = properties.email();
        if (email != null && email.host() != null && !email.host().isBlank()) {
            channels.add(new EmailChannel(new EmailChannel.EmailSettings(email.host(), email.port(), email.startTls(),
                    email.username(), email.password(), email.from(), email.to() == null ? List.of() : email.to(),
                    email.timeout()), Clock.systemUTC(), email.clinician() ? clinicianContacts : null,
                    email.guardian() == null ? List.of() : email.guardian()));
        }
        LOG.info("Clinician notification channels: {}", channels.stream().map(NotificationChannel::name).toList());
        return channels;
    }

    @Bean
    NotificationOutbox notificationOutbox(DataSource guardDataSource, NotificationProperties properties,
            List<NotificationChannel> notificationChannels) {
        return new NotificationOutbox(guardDataSource,
                new NoticeFactory(PlainWords.fromConformanceResources(), properties.detailsBaseUrl()),
                notificationChannels.stream().map(NotificationChannel::name).toList(), Clock.systemUTC());
    }

    /** Counts deliveries, retries, dead letters and disabled channels in Micrometer, when a registry is there. */
    @Bean
    NotificationMetrics notificationMetrics(ObjectProvider<MeterRegistry> registries) {
        MeterRegistry registry = registries.getIfAvailable();
        return registry == null ? NotificationMetrics.NONE : micrometer(registry);
    }

    /** The relay's events as the counter {@code guard.notifications}, tagged by channel and result. */
    static NotificationMetrics micrometer(MeterRegistry registry) {
        return new NotificationMetrics() {
            @Override
            public void delivered(String channel) {
                count(channel, "delivered");
            }

            @Override
            public void retried(String channel) {
                count(channel, "retried");
            }

            @Override
            public void failed(String channel) {
                count(channel, "failed");
            }

            @Override
            public void disabled(String channel) {
                count(channel, "disabled");
            }

            private void count(String channel, String result) {
                registry.counter("guard.notifications", "channel", channel, "result", result).increment();
            }
        };
    }

    /** The daily digest schedule of each channel that has one, by channel name. */
    static Map<String, DigestSchedule> digests(NotificationProperties properties) {
        Map<String, DigestSchedule> digests = new java.util.LinkedHashMap<>();
        NotificationProperties.FhirInbox inbox = properties.fhirInbox();
        if (inbox.enabled()) {
            DigestSchedule.parse(FhirInboxChannel.NAME, inbox.digest(), inbox.digestTime(), inbox.digestZone())
                    .ifPresent(s -> digests.put(FhirInboxChannel.NAME, s));
        }
        NotificationProperties.Email email = properties.email();
        if (email != null && email.host() != null && !email.host().isBlank()) {
            DigestSchedule.parse(EmailChannel.NAME, email.digest(), email.digestTime(), email.digestZone())
                    .ifPresent(s -> digests.put(EmailChannel.NAME, s));
        }
        return digests;
    }

    /** One sender per channel sent as a daily digest; the relay leaves those channels' rows to it. */
    @Bean(destroyMethod = "")
    List<DigestSender> digestSenders(DataSource guardDataSource, List<NotificationChannel> notificationChannels,
            NotificationProperties properties, GuardProperties guard, NotificationMetrics notificationMetrics) {
        Map<String, DigestSchedule> digests = digests(properties);
        List<DigestSender> senders = new ArrayList<>();
        NotificationProperties.Retry retry = properties.retry();
        for (NotificationChannel channel : notificationChannels) {
            DigestSchedule schedule = digests.get(channel.name());
            if (schedule != null && channel instanceof DigestChannel digestChannel) {
                DigestSender sender = new DigestSender(guardDataSource, digestChannel, schedule,
                        new RetryPolicy(retry.maxAttempts(), retry.initialDelay(), retry.maxDelay()),
                        Clock.systemUTC(), new SecureRandom(), 1000, properties.relay().lease(),
                        AuditConfiguration.instanceName(guard), notificationMetrics);
                sender.start(properties.relay().pollInterval());
                senders.add(sender);
            }
        }
        return senders;
    }

    /** Stops the digest senders with the application. */
    @Bean
    org.springframework.beans.factory.DisposableBean digestSendersShutdown(List<DigestSender> digestSenders) {
        return () -> digestSenders.forEach(DigestSender::close);
    }

    @Bean(destroyMethod = "close")
    NotificationRelay notificationRelay(DataSource guardDataSource, List<NotificationChannel> notificationChannels,
            NotificationProperties properties, GuardProperties guard, NotificationMetrics notificationMetrics) {
        NotificationProperties.Retry retry = properties.retry();
        NotificationProperties.Relay relay = properties.relay();
        Map<String, DigestSchedule> digests = digests(properties);
        List<NotificationChannel> immediate = notificationChannels.stream()
                .filter(channel -> !digests.containsKey(channel.name())).toList();
        NotificationRelay relayer = new NotificationRelay(guardDataSource, immediate,
                new RetryPolicy(retry.maxAttempts(), retry.initialDelay(), retry.maxDelay()), Clock.systemUTC(),
                new SecureRandom(), relay.batchSize(), relay.lease(), AuditConfiguration.instanceName(guard),
                notificationMetrics);
        relayer.start(relay.pollInterval());
        return relayer;
    }

    /**
     * The patients a notice names: for a disclosure, each patient in the entry with the registered clinician and NHS
     * number the gateway found on the record, or the id alone; for an outside request refused or held for a
     * restricted record, the restricted patients the gateway passed; for the practice's own requests, nobody. An NHS number or clinician
     * reference that cannot be used is left out rather than holding up the disclosure's record.
     */
    static List<NoticeSubject> subjects(AuditEntry entry, List<PatientOnRecord> patients) {
        if (entry.internal()) {
            return List.of();
        }
        if (!entry.disclosure()) {
            return patients.stream().filter(p -> entry.patients().contains(p.id()))
                    .map(NotificationConfiguration::subject).toList();
        }
        List<NoticeSubject> subjects = new ArrayList<>();
        for (String id : entry.patients()) {
            PatientOnRecord known = patients.stream().filter(p -> p.id().equals(id)).findFirst()
                    .orElse(new PatientOnRecord(id, "", ""));
            subjects.add(subject(known));
        }
        return subjects;
    }

    private static NoticeSubject subject(PatientOnRecord patient) {
        try {
            return NoticeSubject.of(patient.id(), patient.generalPractitioner(), patient.nhsNumber());
        } catch (IllegalArgumentException e) {
            try {
                return NoticeSubject.of(patient.id(), patient.generalPractitioner(), null);
            } catch (IllegalArgumentException again) {
                return NoticeSubject.of(patient.id(), null, null);
            }
        }
    }
}

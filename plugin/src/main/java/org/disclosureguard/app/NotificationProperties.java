package org.disclosureguard.app;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The clinician notification settings, under {@code guard.notification.*} ({@code docs/notifications.md}). The
 * GP system's inbox is on by default; the webhook is on when it has a URL, e-mail when it has a host.
 *
 * @param fhirInbox a FHIR Communication written into the practice's own FHIR server
 * @param webhook a signed webhook (Standard Webhooks), or {@code null} for none
 * @param email e-mail to the practice, or {@code null} for none
 * @param detailsBaseUrl the base of the link to a disclosure's details in the practice's own system (the request
 *     id is appended), or {@code null} for no link
 * @param retry how often and how long a notice is retried before it becomes a dead letter
 * @param relay how the relay polls the outbox
 * @param health when the outbox's health indicator reports DOWN
 * @param reconciliation the periodic check that every disclosure in the audit chain has its outbox rows
 */
@ConfigurationProperties(prefix = "guard.notification")
record NotificationProperties(
        @DefaultValue FhirInbox fhirInbox,
        Webhook webhook,
        Email email,
        URI detailsBaseUrl,
        @DefaultValue Retry retry,
        @DefaultValue Relay relay,
        @DefaultValue Health health,
        @DefaultValue Reconciliation reconciliation) {

    /**
     * @param digest {@code none} (each notice at once) or {@code daily} (one message per clinician a day)
     * @param digestTime when the daily digest is sent ({@code HH:mm})
     * @param digestZone the zone of {@code digestTime}
     */
    record FhirInbox(@DefaultValue("true") boolean enabled, @DefaultValue("Disclosure Guard") String senderDisplay,
            @DefaultValue("20s") Duration timeout, @DefaultValue("none") String digest,
            @DefaultValue("07:00") String digestTime, @DefaultValue("Europe/London") String digestZone) {}

    /**
     * @param allowedUrls the URL prefixes the guard may post to (scheme, host, port, path prefix); empty for the
     *     configured URL only
     */
    record Webhook(URI url, String secret, String signingKey, @DefaultValue("20s") Duration timeout,
            List<String> allowedUrls) {}

    /**
     * @param to the practice's addresses: every message without clinician look-up, and the fall-back with it
     * @param clinician whether to send each message to the registered clinician's own e-mail address, read from the
     *     practice FHIR server at delivery time (and to group digests per clinician)
     * @param guardian the Caldicott Guardian's mailbox, copied on every message; empty for none
     * @param clinicianCacheTtl how long a clinician's looked-up address is kept
     * @param clinicianCacheSize how many clinicians' addresses are kept at most
     */
    record Email(String host, @DefaultValue("587") int port, @DefaultValue("true") boolean startTls, String username,
            String password, String from, List<String> to, @DefaultValue("20s") Duration timeout,
            @DefaultValue("none") String digest, @DefaultValue("07:00") String digestTime,
            @DefaultValue("Europe/London") String digestZone, @DefaultValue("false") boolean clinician,
            List<String> guardian, @DefaultValue("5m") Duration clinicianCacheTtl,
            @DefaultValue("1000") long clinicianCacheSize) {}

    record Retry(@DefaultValue("20") int maxAttempts, @DefaultValue("30s") Duration initialDelay,
            @DefaultValue("6h") Duration maxDelay) {}

    record Relay(@DefaultValue("10s") Duration pollInterval, @DefaultValue("50") int batchSize,
            @DefaultValue("2m") Duration lease) {}

    /**
     * @param maxPendingAge the outbox is DOWN when its oldest pending notice has waited longer; when not set, 15
     *     minutes, or 26 hours when a channel sends a daily digest (its rows wait up to a day by design)
     */
    record Health(Duration maxPendingAge) {}

    /**
     * @param enabled whether the guard checks the audit chain against the outbox periodically
     * @param interval how often
     * @param batchSize how many audit entries one pass reads at most
     */
    record Reconciliation(@DefaultValue("true") boolean enabled, @DefaultValue("10m") Duration interval,
            @DefaultValue("1000") int batchSize) {}
}

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
 */
@ConfigurationProperties(prefix = "guard.notification")
record NotificationProperties(
        @DefaultValue FhirInbox fhirInbox,
        Webhook webhook,
        Email email,
        URI detailsBaseUrl,
        @DefaultValue Retry retry,
        @DefaultValue Relay relay) {

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

    record Email(String host, @DefaultValue("587") int port, @DefaultValue("true") boolean startTls, String username,
            String password, String from, List<String> to, @DefaultValue("20s") Duration timeout,
            @DefaultValue("none") String digest, @DefaultValue("07:00") String digestTime,
            @DefaultValue("Europe/London") String digestZone) {}

    record Retry(@DefaultValue("20") int maxAttempts, @DefaultValue("30s") Duration initialDelay,
            @DefaultValue("6h") Duration maxDelay) {}

    record Relay(@DefaultValue("10s") Duration pollInterval, @DefaultValue("50") int batchSize,
            @DefaultValue("2m") Duration lease) {}
}

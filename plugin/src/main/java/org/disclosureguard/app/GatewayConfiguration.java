package org.disclosureguard.app;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.Clock;
import org.disclosureguard.gateway.DisclosureControl;
import org.disclosureguard.gateway.DisclosureRecorder;
import org.disclosureguard.gateway.HeldRequests;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.redaction.TreeRedactor;
import org.disclosureguard.gateway.FhirJson;
import org.disclosureguard.gateway.GuardRestfulServer;
import org.disclosureguard.gateway.ResponsePath;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.LabelPlan;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.upstream.UpstreamClient;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the gateway: the FHIR context, the label plan, the upstream client, the policy, the requester registry and
 * partner CA, and the HAPI server at /fhir, which records every request with the {@link DisclosureRecorder} of
 * {@link AuditConfiguration} before it answers.
 */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayConfiguration.class);

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    LabelPlan labelPlan(FhirContext fhir, GuardProperties properties) {
        return properties.getLabels().getFile() == null
                ? LabelConfiguration.defaults(fhir)
                : LabelConfiguration.load(fhir, properties.getLabels().getFile());
    }

    @Bean
    UpstreamClient upstreamClient(GuardProperties properties) {
        GuardProperties.Upstream upstream = properties.getUpstream();
        if (upstream.getBaseUrl() == null) {
            throw new IllegalStateException(
                    "guard.upstream.base-url is required: the practice FHIR server's base URL, for example http://127.0.0.1:8090/fhir");
        }
        return new UpstreamClient(upstream.getBaseUrl(), upstream.getConnectTimeout(), upstream.getTimeout(),
                upstream.getMaxResponseBytes());
    }

    @Bean
    PolicyStore policyStore(GuardProperties properties) {
        Path file = properties.getPolicy().getFile();
        return file == null
                ? PolicyStore.of(PolicyEngine.defaults(), Clock.systemUTC())
                : PolicyStore.open(file, Clock.systemUTC());
    }

    @Bean
    RequesterAuthenticator requesterAuthenticator(GuardProperties properties) {
        GuardProperties.Identity identity = properties.getIdentity();
        RequesterRegistry registry = identity.getRegistryFile() == null
                ? RequesterRegistry.parse("(no guard.identity.registry-file)", "version: 1\nrequesters: []\n",
                        Path.of("."))
                : RequesterRegistry.load(identity.getRegistryFile());
        PartnerCaTrust trust = identity.getCaDir() == null ? PartnerCaTrust.none() : PartnerCaTrust.load(identity.getCaDir());
        return RequesterAuthenticator.builder(registry, trust).build();
    }

    @Bean
    DisclosureControl disclosureControl(RequesterAuthenticator authenticator, PolicyStore policies, FhirContext fhir,
            GuardProperties properties) {
        String audience = properties.getIdentity().getAudience();
        if (audience == null || audience.isBlank()) {
            audience = properties.getPublicBaseUrl();
        }
        if ((audience == null || audience.isBlank()) && properties.getIdentity().getRegistryFile() != null) {
            LOG.warn("Neither guard.identity.audience nor guard.public-base-url is set: tokens are checked against "
                    + "the FHIR base URL of each request, which the requester's Host header chooses. Set "
                    + "guard.identity.audience.");
        }
        return new DisclosureControl(authenticator, policies, new TreeRedactor(fhir), audience);
    }

    @Bean
    ResponsePath responsePath(UpstreamClient upstream, LabelPlan plan, DisclosureControl control,
            DisclosureRecorder recorder, HeldRequests heldRequests, GuardProperties properties) {
        return new ResponsePath(upstream, new TreeLabeller(plan), new FhirJson(), control, recorder, heldRequests,
                AuditConfiguration.instanceName(properties), Clock.systemUTC());
    }

    @Bean
    ServletRegistrationBean<GuardRestfulServer> fhirServlet(FhirContext fhir, GuardProperties properties,
            ResponsePath path) {
        String version = GatewayConfiguration.class.getPackage().getImplementationVersion();
        GuardRestfulServer server = new GuardRestfulServer(fhir, properties.getResourceTypes(), path,
                properties.getPublicBaseUrl(), version == null ? "development" : version);
        ServletRegistrationBean<GuardRestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}

package org.disclosureguard.app;

import ca.uhn.fhir.context.FhirContext;
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

/** Wires the gateway: the FHIR context, the label plan, the upstream client and the HAPI server at /fhir. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

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
    ResponsePath responsePath(UpstreamClient upstream, LabelPlan plan) {
        return new ResponsePath(upstream, new TreeLabeller(plan), new FhirJson());
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

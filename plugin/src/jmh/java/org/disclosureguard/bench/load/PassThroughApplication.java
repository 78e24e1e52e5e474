package org.disclosureguard.bench.load;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.disclosureguard.gateway.BoundInteractions;
import org.disclosureguard.upstream.UpstreamClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Level L1 of the load benchmark: a pass-through proxy on the guard's own stack. Spring Boot with the same
 * auto-configuration and {@code application.yaml} as the guard, Tomcat, a HAPI {@link RestfulServer} at
 * {@code /fhir} with the guard's {@link BoundInteractions} for Patient (so HAPI routes and refuses exactly as in
 * the guard), and a {@link PassThroughInterceptor} that answers from HAPI's post-processed hook by relaying the
 * practice server's bytes through the guard's {@link UpstreamClient}, with the guard's default limits. Nothing is
 * parsed, labelled or rewritten: links in the answer still point at the practice server.
 *
 * <p>Setting: {@code guard.upstream.base-url} (required), plus the usual {@code server.*}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class PassThroughApplication {

    public static void main(String[] args) {
        SpringApplication.run(PassThroughApplication.class, args);
    }

    @Bean
    UpstreamClient upstreamClient(Environment environment) {
        URI base = URI.create(environment.getRequiredProperty("guard.upstream.base-url"));
        return new UpstreamClient(base, Duration.ofSeconds(2), Duration.ofSeconds(30), 64L * 1024 * 1024);
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(UpstreamClient upstream) {
        FhirContext fhir = FhirContext.forR4Cached();
        RestfulServer server = new RestfulServer(fhir);
        List<IResourceProvider> providers = new ArrayList<>();
        providers.add(new BoundInteractions(fhir.getResourceDefinition("Patient").getImplementingClass()));
        server.setResourceProviders(providers);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setDefaultPrettyPrint(false);
        server.registerInterceptor(new PassThroughInterceptor(upstream));
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}

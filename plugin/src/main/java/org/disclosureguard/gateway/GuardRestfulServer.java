package org.disclosureguard.gateway;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The guard's HAPI FHIR plain server. Only read and search of the configured resource types, paging, and the
 * CapabilityStatement exist; HAPI answers anything else with its own 4xx OperationOutcome before the guard does
 * any work. Construct it once; the servlet container owns its life cycle.
 */
public final class GuardRestfulServer extends RestfulServer {

    private static final long serialVersionUID = 1L;

    /**
     * @param fhir the R4 context
     * @param resourceTypes the resource types to bind read and search for
     * @param path the response path answering the bound interactions
     * @param publicBaseUrl the guard's base URL as requesters see it, or {@code null} to take it from each request
     * @param version the guard's version, shown in the CapabilityStatement
     */
    public GuardRestfulServer(FhirContext fhir, List<String> resourceTypes, ResponsePath path, String publicBaseUrl,
            String version) {
        super(fhir);
        List<IResourceProvider> providers = new ArrayList<>();
        for (String type : resourceTypes) {
            providers.add(new BoundInteractions(fhir.getResourceDefinition(type).getImplementingClass()));
        }
        setResourceProviders(providers);
        registerProvider(new ReviewPoll());
        setDefaultResponseEncoding(EncodingEnum.JSON);
        setDefaultPrettyPrint(false);
        setServerName("Disclosure Guard");
        setServerVersion(version);
        setImplementationDescription("Disclosure Guard: labels, decides on and audits every disclosure of GP patient data");
        if (publicBaseUrl != null && !publicBaseUrl.isBlank()) {
            setServerAddressStrategy(new HardcodedServerAddressStrategy(publicBaseUrl));
        }
        registerInterceptor(new ResponsePathInterceptor(path, resourceTypes));
        registerInterceptor(new GuardServerInterceptor(version, path));
    }

    /** Handles every request against an {@link AnsweredResponse}, which the guard seals once it has answered. */
    @Override
    protected void handleRequest(RequestTypeEnum type, HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        super.handleRequest(type, request, new AnsweredResponse(response));
    }

    /** No {@code X-Powered-By} banner: the guard does not advertise its components. */
    @Override
    public void addHeadersToResponse(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
    }
}

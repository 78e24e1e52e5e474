package org.disclosureguard.gateway;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.server.IResourceProvider;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Declares to HAPI's router the interactions the guard supports for one resource type: read, and search with
 * any parameters (paging is HAPI's own binding). HAPI refuses everything else (vread, history, writes,
 * operations) before the guard does any work, and builds the CapabilityStatement from these declarations.
 *
 * <p>The answers themselves come from {@link ResponsePathInterceptor}, which HAPI calls after routing and which
 * always completes the response. These methods are therefore never reached in a correctly wired server; if
 * they are, they fail closed.
 */
public final class BoundInteractions implements IResourceProvider {

    private final Class<? extends IBaseResource> resourceType;

    public BoundInteractions(Class<? extends IBaseResource> resourceType) {
        this.resourceType = resourceType;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return resourceType;
    }

    @Read
    public IBaseResource read(@IdParam IIdType id) {
        throw notAnswered();
    }

    @Search(allowUnknownParams = true)
    public Bundle search() {
        throw notAnswered();
    }

    private static GuardException notAnswered() {
        return new GuardException(GuardError.INTERNAL, "The response path did not answer this request.", null);
    }
}

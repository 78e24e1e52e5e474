package org.disclosureguard.policy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One request as the policy sees it: who asks, why, under what legal basis, and the shape of the query. Built by
 * the gateway from the authenticated requester and the canonicalised request. An immutable value; the parameter
 * map and its lists are copied.
 *
 * @param requester the authenticated requester, never {@code null}
 * @param purposeOfUse the purpose-of-use code the requester stated ({@code TREAT}, {@code IMMIGENF}, ...), never
 *     {@code null}; empty when none was stated
 * @param legalBasis the legal-basis code cited ({@code DEPORT-SERIOUS-CRIME}, ...), never {@code null}; empty when
 *     none was cited
 * @param caseReference the requester's case reference, never {@code null}; empty when none was given
 * @param requestingOfficer the officer or person on whose behalf the request is made, never {@code null}; empty
 *     when not given
 * @param interaction the interaction, never {@code null}
 * @param resourceType the FHIR resource type asked for ({@code Patient}), never {@code null}; empty when the
 *     interaction does not name one (a page of results)
 * @param params the search parameters as sent (names with any modifier or chain, such as {@code name:exact} or
 *     {@code general-practitioner.name}; each value as sent, commas included), never {@code null}; empty for reads
 */
public record RequestContext(
        Requester requester,
        String purposeOfUse,
        String legalBasis,
        String caseReference,
        String requestingOfficer,
        Interaction interaction,
        String resourceType,
        Map<String, List<String>> params) {

    public RequestContext {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(interaction, "interaction");
        purposeOfUse = clean(purposeOfUse);
        legalBasis = clean(legalBasis);
        caseReference = clean(caseReference);
        requestingOfficer = clean(requestingOfficer);
        resourceType = clean(resourceType);
        TreeMap<String, List<String>> copy = new TreeMap<>();
        if (params != null) {
            params.forEach((name, values) -> copy.put(Objects.requireNonNull(name, "parameter name"),
                    values == null ? List.of() : List.copyOf(values)));
        }
        params = Collections.unmodifiableMap(copy);
    }

    private static String clean(String value) {
        return value == null ? "" : value.strip();
    }

    /** A read of one resource. */
    public static RequestContext read(Requester requester, String purposeOfUse, String legalBasis,
            String resourceType) {
        return new RequestContext(requester, purposeOfUse, legalBasis, "", "", Interaction.READ, resourceType,
                Map.of());
    }

    /** A search. */
    public static RequestContext search(Requester requester, String purposeOfUse, String legalBasis,
            String resourceType, Map<String, List<String>> params) {
        return new RequestContext(requester, purposeOfUse, legalBasis, "", "", Interaction.SEARCH, resourceType,
                params);
    }

    /** This context with a case reference and requesting officer. */
    public RequestContext withCase(String caseReference, String requestingOfficer) {
        return new RequestContext(requester, purposeOfUse, legalBasis, caseReference, requestingOfficer, interaction,
                resourceType, params);
    }
}

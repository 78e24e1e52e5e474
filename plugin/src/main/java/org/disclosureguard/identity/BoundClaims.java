package org.disclosureguard.identity;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The purpose of use, legal basis, case reference and requesting officer bound to an authenticated requester,
 * each with where it came from (a signed claim, or a header over mutual TLS). Any of them may be absent; whether
 * an absent one is acceptable is for the policy to decide. Immutable.
 */
public final class BoundClaims {

    private static final BoundClaims NONE = new BoundClaims(Map.of(), Map.of());

    private final Map<Claim, String> values;
    private final Map<Claim, ClaimSource> sources;

    private BoundClaims(Map<Claim, String> values, Map<Claim, ClaimSource> sources) {
        this.values = values.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(values));
        this.sources = sources.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(sources));
    }

    /** No claims. */
    public static BoundClaims none() {
        return NONE;
    }

    static BoundClaims of(Map<Claim, String> values, Map<Claim, ClaimSource> sources) {
        if (!values.keySet().equals(sources.keySet())) {
            throw new IllegalArgumentException("every claim needs a source");
        }
        return new BoundClaims(values, sources);
    }

    public Optional<String> get(Claim claim) {
        return Optional.ofNullable(values.get(claim));
    }

    /** Where the claim came from, or empty if it is absent. */
    public Optional<ClaimSource> source(Claim claim) {
        return Optional.ofNullable(sources.get(claim));
    }

    public Optional<String> purposeOfUse() {
        return get(Claim.PURPOSE_OF_USE);
    }

    public Optional<String> legalBasis() {
        return get(Claim.LEGAL_BASIS);
    }

    public Optional<String> caseReference() {
        return get(Claim.CASE_REFERENCE);
    }

    public Optional<String> requestingOfficer() {
        return get(Claim.REQUESTING_OFFICER);
    }

    /** The present claims and their values. */
    public Map<Claim, String> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoundClaims other && values.equals(other.values) && sources.equals(other.sources);
    }

    @Override
    public int hashCode() {
        return values.hashCode() * 31 + sources.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("BoundClaims{");
        values.forEach((claim, value) ->
                out.append(claim.jwtClaim()).append('=').append(value).append(" (").append(sources.get(claim))
                        .append("), "));
        if (!values.isEmpty()) {
            out.setLength(out.length() - 2);
        }
        return out.append('}').toString();
    }
}

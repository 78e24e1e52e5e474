package org.disclosureguard.identity;

/**
 * The facts a requester states about a request, each with the name of its signed JWT claim and of the header
 * that may carry it over mutual TLS when the registration allows.
 */
public enum Claim {
    /** Why the data is wanted: a purpose-of-use code such as {@code TREAT} or {@code IMMIGENF}. */
    PURPOSE_OF_USE("purpose_of_use", "X-DG-Purpose-Of-Use", true),
    /** The legal basis cited: a code such as {@code DEPORT-SERIOUS-CRIME}. */
    LEGAL_BASIS("legal_basis", "X-DG-Legal-Basis", true),
    /** The requester's own case or crime reference. */
    CASE_REFERENCE("case_reference", "X-DG-Case-Reference", false),
    /** The person at the requester who asks (name, rank, number). */
    REQUESTING_OFFICER("requesting_officer", "X-DG-Requesting-Officer", false);

    private final String jwtClaim;
    private final String header;
    private final boolean code;

    Claim(String jwtClaim, String header, boolean code) {
        this.jwtClaim = jwtClaim;
        this.header = header;
        this.code = code;
    }

    /** The name of the claim in a signed token. */
    public String jwtClaim() {
        return jwtClaim;
    }

    /** The name of the header that may carry it over mutual TLS. */
    public String header() {
        return header;
    }

    /** Whether the value is a code (letters, digits and {@code . _ - : / | #} only) rather than free text. */
    public boolean isCode() {
        return code;
    }
}

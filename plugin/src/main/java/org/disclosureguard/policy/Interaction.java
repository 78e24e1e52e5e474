package org.disclosureguard.policy;

/** The FHIR interaction a request makes; seen by rules as the string {@code interaction}. */
public enum Interaction {
    /** Reading one resource by its id. */
    READ,
    /** A search (GET or POST {@code _search}). */
    SEARCH,
    /** Fetching another page of an earlier search. */
    PAGE
}

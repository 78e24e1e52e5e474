package org.disclosureguard.identity;

/**
 * One entry of the requester registry: an organisation the practice has agreed to answer, with its class and
 * the credentials that identify it. Immutable.
 *
 * @param id the registry id (lower-case letters, digits and hyphens), unique in the registry
 * @param organisation the organisation's name as the practice knows it
 * @param requesterClass the kind of organisation, which the policy decides on
 * @param certificate how its client certificate is recognised, or {@code null} if it has none
 * @param token how its signed tokens are recognised, or {@code null} if it uses none
 * @param headerClaimsAllowed whether purpose of use, legal basis, case reference and requesting officer may be
 *     sent as plain {@code X-DG-*} headers; only ever honoured over mutual TLS
 * @param internal whether this is one of the practice's own systems (only for class {@code practice})
 * @param line the line of the registry file the entry starts on, for messages
 */
public record RegisteredRequester(
        String id,
        String organisation,
        RequesterClass requesterClass,
        CertificateCredential certificate,
        TokenCredential token,
        boolean headerClaimsAllowed,
        boolean internal,
        int line) {}

package org.disclosureguard.identity;

/**
 * What {@link RequesterAuthenticator#authenticate} found out about who is asking: a registered requester with
 * its bound claims, an anonymous request (no credentials at all), or a refusal. Immutable values.
 */
public sealed interface AuthenticationResult
        permits AuthenticatedRequester, AnonymousRequest, AuthenticationFailure {}

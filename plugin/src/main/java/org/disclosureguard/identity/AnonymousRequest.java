package org.disclosureguard.identity;

/**
 * The request carried no credentials at all: no client certificate, no bearer token, and no identity or claim
 * headers (those are refused, not ignored). An anonymous request is not an outside requester: the gateway treats
 * it as internal (the practice's own systems) <em>only</em> when the connection comes from a loopback address,
 * and refuses it otherwise. The authenticator cannot see the connection, so it reports only this.
 */
public record AnonymousRequest() implements AuthenticationResult {

    /** The rule this value carries: anonymous is internal only on loopback, and refused elsewhere. */
    public static final String RULE = "anonymous: internal only when the connection comes from a loopback address";

    /** Always {@code true}: the gateway may treat this request as internal only on a loopback connection. */
    public boolean internalOnlyOnLoopback() {
        return true;
    }

    @Override
    public String toString() {
        return RULE;
    }
}

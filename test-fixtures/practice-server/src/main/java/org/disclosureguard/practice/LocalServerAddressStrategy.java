package org.disclosureguard.practice;

import ca.uhn.fhir.rest.server.IServerAddressStrategy;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Works out the server base used in {@code Bundle.link}, {@code Bundle.entry.fullUrl} and
 * {@code Location} headers from the connection itself rather than from what the client claims.
 *
 * <p>The scheme is always {@code http} and the port is the local port the request arrived on. The
 * host is {@code localhost} when the client addressed the server as {@code localhost}, and otherwise
 * the local IP address that accepted the connection ({@code 127.0.0.1} for the default binding). So a
 * client that asked {@code http://localhost:8090/fhir} gets links under {@code http://localhost:8090/fhir}
 * and one that asked {@code http://127.0.0.1:8090/fhir} gets links under
 * {@code http://127.0.0.1:8090/fhir}, while a forged {@code Host} header cannot plant a foreign address
 * in links. Forwarding headers are ignored.
 *
 * <p>Stateless and thread-safe.
 */
final class LocalServerAddressStrategy implements IServerAddressStrategy {

    @Override
    public String determineServerBase(ServletContext servletContext, HttpServletRequest request) {
        String host = hostFor(request.getServerName(), request.getLocalAddr());
        return "http://" + host + ":" + request.getLocalPort() + request.getContextPath()
                + request.getServletPath();
    }

    /**
     * Chooses the host part of the server base.
     *
     * @param requestedHost the host name the client used (from the {@code Host} header), may be null
     * @param localAddress the textual local IP address that accepted the connection, not null
     * @return {@code localhost} or the local address, IPv6 literals in brackets
     */
    static String hostFor(String requestedHost, String localAddress) {
        if ("localhost".equalsIgnoreCase(requestedHost)) {
            return "localhost";
        }
        return localAddress.indexOf(':') >= 0 ? "[" + localAddress + "]" : localAddress;
    }
}

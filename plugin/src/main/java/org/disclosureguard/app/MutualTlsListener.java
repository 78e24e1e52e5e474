package org.disclosureguard.app;

import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.TlsMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Adds the TLS listener for requesters outside the practice ({@code guard.tls.*}) beside the plain loopback
 * listener ({@code server.*}). It asks every client for a certificate and verifies one that is offered against
 * the partner CA; a client without one may still connect and present a signed token. The certificate chain then
 * reaches the guard as the servlet request attribute {@code jakarta.servlet.request.X509Certificate}, where the
 * requester authenticator checks it again, with the revocation list. TLS 1.2 and 1.3 only.
 */
@Configuration(proxyBeanMethods = false)
class MutualTlsListener {

    private static final Logger LOG = LoggerFactory.getLogger(MutualTlsListener.class);

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> mutualTlsConnector(GuardProperties properties) {
        return factory -> {
            GuardProperties.Tls tls = properties.getTls();
            if (tls.getPort() == null) {
                return;
            }
            factory.addAdditionalConnectors(connector(tls, properties.getIdentity()));
        };
    }

    static Connector connector(GuardProperties.Tls tls, GuardProperties.Identity identity) {
        if (tls.getCertificate() == null || tls.getPrivateKey() == null) {
            throw new IllegalStateException("guard.tls.port is set, so guard.tls.certificate and "
                    + "guard.tls.private-key are required: the guard's certificate and key, for example "
                    + "server/cert.pem and server/key.pem from 'ca server'");
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        KeyStore keys = TlsMaterial.serverKeyStore(tls.getCertificate(), tls.getPrivateKey(), password.toCharArray());

        SSLHostConfig ssl = new SSLHostConfig();
        ssl.setProtocols("+TLSv1.2+TLSv1.3");
        SSLHostConfigCertificate certificate =
                new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setCertificateKeystore(keys);
        certificate.setCertificateKeystorePassword(password);
        certificate.setCertificateKeyAlias(TlsMaterial.SERVER_ALIAS);
        ssl.addCertificate(certificate);
        if (identity.getCaDir() != null) {
            ssl.setTrustStore(TlsMaterial.trustStore(PartnerCaTrust.load(identity.getCaDir()).caCertificates()));
            ssl.setCertificateVerification("optional");
        } else {
            LOG.warn("guard.tls.port is set without guard.identity.ca-dir: the TLS listener accepts signed tokens "
                    + "only, no client certificates");
            ssl.setCertificateVerification("none");
        }

        Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        connector.setPort(tls.getPort());
        connector.setScheme("https");
        connector.setSecure(true);
        connector.setProperty("SSLEnabled", "true");
        connector.setProperty("relaxedQueryChars", "|");
        if (tls.getAddress() != null && !tls.getAddress().isBlank()) {
            connector.setProperty("address", tls.getAddress().strip());
        }
        connector.addSslHostConfig(ssl);
        return connector;
    }
}

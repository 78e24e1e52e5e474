package org.disclosureguard.identity;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A partner CA in a temporary directory on a fixed clock, a registry of test requesters, and authenticators over
 * them. Test support only.
 */
final class IdentityFixture {

    static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    static final Clock FIXED = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String AUDIENCE = "https://guard.example.org/fhir";

    final PartnerCa ca;
    final RequesterRegistry registry;
    final IssuedCertificate policeCert;
    final IssuedCertificate localAuthorityCert;
    final IssuedCertificate bothCert;
    final IssuedCertificate unregisteredCert;

    IdentityFixture(Path directory) {
        ca = PartnerCa.create(directory.resolve("ca"), "Test partner CA", Duration.ofDays(3650), FIXED, TestKeys.RANDOM);
        policeCert = issue("police-cert", RequesterClass.POLICE);
        localAuthorityCert = issue("la-headers", RequesterClass.LOCAL_AUTHORITY);
        bothCert = issue("both", RequesterClass.POLICE);
        unregisteredCert = issue("nobody", RequesterClass.POLICE);
        registry = RequesterRegistry.parse("requesters.yaml", registryYaml(), directory);
    }

    IssuedCertificate issue(String id, RequesterClass requesterClass) {
        return ca.issueClient(id, "Org " + id, requesterClass, Duration.ofDays(365), true);
    }

    String registryYaml() {
        return """
                version: 1
                requesters:
                  - id: police-cert
                    organisation: Test Constabulary
                    class: police
                    certificate:
                      subject: "CN=police-cert,OU=police,O=Org police-cert"
                  - id: la-headers
                    organisation: Test Council
                    class: local-authority
                    certificate:
                      subject: "CN=la-headers,OU=local-authority,O=Org la-headers"
                      sha256: "%s"
                    headerClaims: true
                  - id: rsa-client
                    organisation: Test Home Office
                    class: immigration-enforcement
                    token:
                      clientId: rsa-client
                      keys:
                        - jwk: '%s'
                  - id: ec-client
                    organisation: Test Trust
                    class: nhs-provider
                    token:
                      clientId: ec-client
                      keys:
                        - jwk: '%s'
                  - id: ed-client
                    organisation: Test Health Agency
                    class: public-health
                    token:
                      clientId: ed-client
                      keys:
                        - jwk: '%s'
                  - id: both
                    organisation: Test Force
                    class: police
                    certificate:
                      subject: "CN=both,OU=police,O=Org both"
                    token:
                      clientId: both
                      keys:
                        - jwk: '%s'
                    headerClaims: true
                """.formatted(
                CertificateFingerprint.display(localAuthorityCert.sha256()),
                TestKeys.publicJwk(TestKeys.RSA).toJSONString(),
                TestKeys.publicJwk(TestKeys.EC).toJSONString(),
                TestKeys.publicJwk(TestKeys.ED).toJSONString(),
                TestKeys.publicJwk(TestKeys.EC_BOTH).toJSONString());
    }

    RequesterAuthenticator authenticator() {
        return authenticator(FIXED);
    }

    RequesterAuthenticator authenticator(Clock clock) {
        return RequesterAuthenticator.builder(registry, ca.trust()).clock(clock).build();
    }

    static X509Certificate[] chain(IssuedCertificate issued) {
        return new X509Certificate[] {issued.certificate()};
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}

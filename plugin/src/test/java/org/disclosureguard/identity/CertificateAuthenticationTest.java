package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.identity.IdentityFixture.AUDIENCE;
import static org.disclosureguard.identity.IdentityFixture.NOW;
import static org.disclosureguard.identity.IdentityFixture.at;
import static org.disclosureguard.identity.IdentityFixture.chain;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS: a client certificate identifies a registered requester only if the partner CA vouches for it. */
class CertificateAuthenticationTest {

    @TempDir
    static Path directory;

    static IdentityFixture fixture;

    @BeforeAll
    static void createCa() {
        fixture = new IdentityFixture(directory);
    }

    private static AuthenticationResult authenticate(X509Certificate... chain) {
        return fixture.authenticator().authenticate(chain, Map.of(), AUDIENCE);
    }

    private static void assertRefused(AuthenticationResult result, AuthenticationError error) {
        assertThat(result).isInstanceOf(AuthenticationFailure.class);
        assertThat(((AuthenticationFailure) result).error()).isEqualTo(error);
    }

    @Test
    void registeredCertificate_fromThePartnerCa_identifiesItsRequester() {
        AuthenticationResult result = authenticate(fixture.policeCert.certificate());

        assertThat(result).isInstanceOf(AuthenticatedRequester.class);
        AuthenticatedRequester who = (AuthenticatedRequester) result;
        assertThat(who.requester().id()).isEqualTo("police-cert");
        assertThat(who.requester().requesterClass()).isEqualTo(RequesterClass.POLICE);
        assertThat(who.credentials()).containsExactly(CredentialKind.CLIENT_CERTIFICATE);
        assertThat(who.overMutualTls()).isTrue();
        assertThat(who.certificateSha256()).isEqualTo(fixture.policeCert.sha256());
        assertThat(who.certificateSerial()).isEqualTo(fixture.policeCert.serialHex());
        assertThat(who.tokenId()).isNull();
        assertThat(who.claims().asMap()).isEmpty();
    }

    @Test
    void chainThatIncludesTheCaCertificate_isAccepted() {
        AuthenticationResult result = authenticate(fixture.policeCert.certificate(), fixture.ca.certificate());

        assertThat(result).isInstanceOf(AuthenticatedRequester.class);
    }

    @Test
    void certificateRegisteredBySubjectAndFingerprint_isAccepted() {
        AuthenticationResult result = authenticate(fixture.localAuthorityCert.certificate());

        assertThat(((AuthenticatedRequester) result).requester().id()).isEqualTo("la-headers");
    }

    @Test
    void validCertificateFromThePartnerCa_thatIsNotRegistered_isRefusedAsUnknown() {
        assertRefused(authenticate(fixture.unregisteredCert.certificate()), AuthenticationError.CERTIFICATE_UNKNOWN);
    }

    @Test
    void renewedCertificate_whoseFingerprintIsPinned_isRefusedAsUnknown(@TempDir Path other) {
        IdentityFixture own = new IdentityFixture(other);
        IssuedCertificate renewed = own.issue("la-headers", RequesterClass.LOCAL_AUTHORITY);

        AuthenticationResult result = own.authenticator().authenticate(chain(renewed), Map.of(), AUDIENCE);

        assertRefused(result, AuthenticationError.CERTIFICATE_UNKNOWN);
    }

    @Test
    void expiredCertificate_isRefused() {
        IssuedCertificate shortLived = fixture.ca.issueClient("police-cert", "Org police-cert", RequesterClass.POLICE,
                Duration.ofDays(1), true);

        AuthenticationResult result = fixture.authenticator(at(NOW.plus(Duration.ofDays(2))))
                .authenticate(chain(shortLived), Map.of(), AUDIENCE);

        assertRefused(result, AuthenticationError.CERTIFICATE_EXPIRED);
    }

    @Test
    void certificateBeforeItsValidity_isRefused() {
        AuthenticationResult result = fixture.authenticator(at(NOW.minus(Duration.ofDays(1))))
                .authenticate(chain(fixture.policeCert), Map.of(), AUDIENCE);

        assertRefused(result, AuthenticationError.CERTIFICATE_NOT_YET_VALID);
    }

    @Test
    void revokedCertificate_isRefused(@TempDir Path other) {
        IdentityFixture own = new IdentityFixture(other);
        own.ca.revoke(own.policeCert.certificate().getSerialNumber());

        AuthenticationResult result = own.authenticator().authenticate(chain(own.policeCert), Map.of(), AUDIENCE);

        assertRefused(result, AuthenticationError.CERTIFICATE_REVOKED);
        assertThat(own.authenticator().authenticate(chain(own.bothCert), Map.of(), AUDIENCE))
                .isInstanceOf(AuthenticatedRequester.class);
    }

    @Test
    void certificate_whenTheRevocationListIsOutOfDate_isRefusedBecauseRevocationCannotBeChecked() {
        AuthenticationResult result = fixture.authenticator(at(NOW.plus(Duration.ofDays(31))))
                .authenticate(chain(fixture.policeCert), Map.of(), AUDIENCE);

        assertRefused(result, AuthenticationError.REVOCATION_UNKNOWN);
    }

    @Test
    void certificateFromAnotherCa_withTheSameSubject_isRefusedAsUntrusted(@TempDir Path other) {
        PartnerCa otherCa = PartnerCa.create(other, "Another CA", Duration.ofDays(3650), IdentityFixture.FIXED,
                TestKeys.RANDOM);
        IssuedCertificate lookalike = otherCa.issueClient("police-cert", "Org police-cert", RequesterClass.POLICE,
                Duration.ofDays(365), false);

        assertRefused(authenticate(lookalike.certificate()), AuthenticationError.CERTIFICATE_UNTRUSTED);
        assertRefused(authenticate(lookalike.certificate(), otherCa.certificate()),
                AuthenticationError.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void selfSignedCertificate_withARegisteredSubject_isRefusedAsUntrusted() {
        X509Certificate forged = TestKeys.selfSigned("CN=police-cert,OU=police,O=Org police-cert", NOW);

        assertRefused(authenticate(forged), AuthenticationError.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void serverCertificateFromThePartnerCa_isRefusedBecauseItIsNotForClientAuthentication(@TempDir Path other) {
        IdentityFixture own = new IdentityFixture(other);
        IssuedCertificate server = own.ca.issueServer(java.util.List.of("police-cert"), Duration.ofDays(30));

        AuthenticationResult result = own.authenticator().authenticate(chain(server), Map.of(), AUDIENCE);

        assertRefused(result, AuthenticationError.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void theCaCertificateItself_isRefusedAsAClientCertificate() {
        assertRefused(authenticate(fixture.ca.certificate()), AuthenticationError.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void anyCertificate_whenTheGuardTrustsNoPartnerCa_isRefusedAsUntrusted() {
        RequesterAuthenticator tokensOnly = RequesterAuthenticator.builder(fixture.registry, PartnerCaTrust.none())
                .clock(IdentityFixture.FIXED).build();

        AuthenticationResult result = tokensOnly.authenticate(chain(fixture.policeCert), Map.of(), AUDIENCE);

        assertRefused(result, AuthenticationError.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void refusal_carriesAStableCodeAndAMessageThatDoesNotEchoTheCertificate() {
        AuthenticationFailure failure = (AuthenticationFailure) authenticate(fixture.unregisteredCert.certificate());

        assertThat(failure.code()).isEqualTo("DG-3101");
        assertThat(failure.error().httpStatus()).isEqualTo(401);
        assertThat(failure.message()).doesNotContain("nobody");
        assertThat(failure.logDetail()).contains("CN=nobody");
    }
}

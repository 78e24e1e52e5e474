package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.identity.IdentityFixture.AUDIENCE;
import static org.disclosureguard.identity.IdentityFixture.NOW;
import static org.disclosureguard.identity.IdentityFixture.chain;
import static org.disclosureguard.identity.TestKeys.claims;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificate and token together, purpose and legal basis in headers, forwarding headers and anonymous requests:
 * claims are bound to a verified identity or the request is refused.
 */
class BoundClaimsAuthenticationTest {

    @TempDir
    static Path directory;

    static IdentityFixture fixture;

    RequesterAuthenticator authenticator;

    @BeforeAll
    static void createCa() {
        fixture = new IdentityFixture(directory);
    }

    @BeforeEach
    void freshReplayCache() {
        authenticator = fixture.authenticator();
    }

    private static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    private static void assertRefused(AuthenticationResult result, AuthenticationError error) {
        assertThat(result).isInstanceOf(AuthenticationFailure.class);
        assertThat(((AuthenticationFailure) result).error()).isEqualTo(error);
    }

    // Certificate and token together.

    @Test
    void certificateAndToken_ofTheSameRequester_areBothRecorded() {
        String token = TestKeys.es256(TestKeys.EC_BOTH, claims("both", AUDIENCE, NOW)
                .claim("purpose_of_use", "CRIMEPREV").build());

        AuthenticationResult result = authenticator.authenticate(chain(fixture.bothCert), TestKeys.bearer(token),
                AUDIENCE);

        AuthenticatedRequester who = (AuthenticatedRequester) result;
        assertThat(who.requester().id()).isEqualTo("both");
        assertThat(who.credentials()).containsExactlyInAnyOrder(CredentialKind.CLIENT_CERTIFICATE,
                CredentialKind.BEARER_TOKEN);
        assertThat(who.claims().purposeOfUse()).contains("CRIMEPREV");
    }

    @Test
    void certificateOfOneRequester_withATokenOfAnother_isRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).build());

        AuthenticationResult result = authenticator.authenticate(chain(fixture.policeCert), TestKeys.bearer(token),
                AUDIENCE);

        assertRefused(result, AuthenticationError.CREDENTIALS_DISAGREE);
    }

    @Test
    void validCertificate_withAForgedToken_isRefusedForTheToken() {
        String token = TestKeys.es256(TestKeys.EC_OTHER, claims("both", AUDIENCE, NOW).build());

        AuthenticationResult result = authenticator.authenticate(chain(fixture.bothCert), TestKeys.bearer(token),
                AUDIENCE);

        assertRefused(result, AuthenticationError.TOKEN_SIGNATURE_INVALID);
    }

    // Claims in headers.

    @Test
    void claimHeaders_overMutualTlsFromARequesterRegisteredForThem_areBound() {
        Map<String, String> h = headers("X-DG-Purpose-Of-Use", "SAFEGUARD", "X-DG-Legal-Basis", "SAFEGUARDING",
                "x-dg-case-reference", "MASH-2026-0099", "X-DG-Requesting-Officer", "Social worker Siân Example");

        AuthenticatedRequester who = (AuthenticatedRequester) authenticator.authenticate(
                chain(fixture.localAuthorityCert), h, AUDIENCE);

        assertThat(who.requester().id()).isEqualTo("la-headers");
        assertThat(who.claims().purposeOfUse()).contains("SAFEGUARD");
        assertThat(who.claims().legalBasis()).contains("SAFEGUARDING");
        assertThat(who.claims().caseReference()).contains("MASH-2026-0099");
        assertThat(who.claims().requestingOfficer()).contains("Social worker Siân Example");
        assertThat(who.claims().source(Claim.LEGAL_BASIS)).contains(ClaimSource.MTLS_HEADER);
    }

    @Test
    void claimHeaders_overMutualTlsFromARequesterNotRegisteredForThem_areRefused() {
        AuthenticationResult result = authenticator.authenticate(chain(fixture.policeCert),
                headers("X-DG-Purpose-Of-Use", "CRIMEPREV"), AUDIENCE);

        assertRefused(result, AuthenticationError.HEADER_CLAIMS_NOT_ALLOWED);
    }

    @Test
    void claimHeaders_withATokenButWithoutMutualTls_areRefused() {
        Map<String, String> h = TestKeys.bearer(TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW)
                .build()));
        h.put("X-DG-Legal-Basis", "VITAL-INTERESTS");

        assertRefused(authenticator.authenticate(null, h, AUDIENCE), AuthenticationError.HEADER_CLAIMS_NOT_ALLOWED);
    }

    @Test
    void claimHeaders_withoutAnyCredentials_areRefusedNotIgnored() {
        AuthenticationResult result = authenticator.authenticate(null, headers("X-DG-Purpose-Of-Use", "TREAT"),
                AUDIENCE);

        assertRefused(result, AuthenticationError.HEADER_CLAIMS_NOT_ALLOWED);
    }

    @Test
    void claimHeader_thatContradictsTheSignedClaim_isRefused() {
        Map<String, String> h = TestKeys.bearer(TestKeys.es256(TestKeys.EC_BOTH, claims("both", AUDIENCE, NOW)
                .claim("legal_basis", "SERIOUS-CRIME").build()));
        h.put("X-DG-Legal-Basis", "COURT-ORDER");

        assertRefused(authenticator.authenticate(chain(fixture.bothCert), h, AUDIENCE),
                AuthenticationError.HEADER_CONTRADICTS_TOKEN);
    }

    @Test
    void claimHeader_thatRepeatsTheSignedClaim_orAddsAMissingOne_isAccepted_andTheSignedSourceIsKept() {
        Map<String, String> h = TestKeys.bearer(TestKeys.es256(TestKeys.EC_BOTH, claims("both", AUDIENCE, NOW)
                .claim("legal_basis", "SERIOUS-CRIME").build()));
        h.put("X-DG-Legal-Basis", "SERIOUS-CRIME");
        h.put("X-DG-Requesting-Officer", "DC 1 Example");

        AuthenticatedRequester who = (AuthenticatedRequester) authenticator.authenticate(chain(fixture.bothCert), h,
                AUDIENCE);

        assertThat(who.claims().source(Claim.LEGAL_BASIS)).contains(ClaimSource.SIGNED_TOKEN);
        assertThat(who.claims().source(Claim.REQUESTING_OFFICER)).contains(ClaimSource.MTLS_HEADER);
        assertThat(who.claims().requestingOfficer()).contains("DC 1 Example");
    }

    @Test
    void claimHeader_withAControlCharacterOrTooLongOrNotACode_isRefused() {
        for (Map<String, String> h : java.util.List.of(
                headers("X-DG-Requesting-Officer", "DC 1\r\nX-Injected: yes"),
                headers("X-DG-Case-Reference", "x".repeat(257)),
                headers("X-DG-Purpose-Of-Use", "TREAT; DROP"),
                headers("X-DG-Legal-Basis", "  "))) {
            assertRefused(authenticator.authenticate(chain(fixture.localAuthorityCert), h, AUDIENCE),
                    AuthenticationError.MALFORMED_CLAIM);
        }
    }

    // Forwarding headers.

    static java.util.List<String> forwardingHeaders() {
        return RequesterAuthenticator.FORWARDED_IDENTITY_HEADERS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardingHeaders")
    void forwardingHeaderClaimingAnotherClient_isRefused_withOrWithoutCredentials(String name) {
        Map<String, String> spoof = headers(name.toLowerCase(java.util.Locale.ROOT), "CN=la-headers");

        assertRefused(authenticator.authenticate(chain(fixture.policeCert), spoof, AUDIENCE),
                AuthenticationError.FORWARDED_IDENTITY_HEADER);
        assertRefused(authenticator.authenticate(null, spoof, AUDIENCE),
                AuthenticationError.FORWARDED_IDENTITY_HEADER);
    }

    @Test
    void forwardingHeaders_includeTheCommonClientCertificateAndAddressHeaders() {
        assertThat(RequesterAuthenticator.FORWARDED_IDENTITY_HEADERS).contains("X-Forwarded-Client-Cert",
                "X-SSL-Client-Cert", "X-Client-Cert", "Forwarded", "X-Forwarded-For", "Client-Cert");
    }

    // Anonymous.

    @Test
    void noCredentialsAndNoClaimHeaders_isAnonymous_internalOnlyOnLoopback() {
        AuthenticationResult result = authenticator.authenticate(null, headers("Accept", "application/fhir+json"),
                AUDIENCE);

        assertThat(result).isInstanceOf(AnonymousRequest.class);
        assertThat(((AnonymousRequest) result).internalOnlyOnLoopback()).isTrue();
        assertThat(result.toString()).contains("loopback");
    }

    @Test
    void emptyChainAndNullHeaders_areAnonymous() {
        AuthenticationResult result = authenticator.authenticate(new java.security.cert.X509Certificate[0], null,
                AUDIENCE);

        assertThat(result).isInstanceOf(AnonymousRequest.class);
    }

    @Test
    void internalFlag_isCarriedFromTheRegistration(@TempDir Path other) {
        IdentityFixture own = new IdentityFixture(other);
        IssuedCertificate practice = own.issue("practice-ehr", RequesterClass.PRACTICE);
        RequesterRegistry registry = RequesterRegistry.parse("r.yaml", """
                version: 1
                requesters:
                  - id: practice-ehr
                    organisation: Riverside Surgery
                    class: practice
                    certificate: {subject: "CN=practice-ehr,OU=practice,O=Org practice-ehr"}
                    internal: true
                """, other);
        RequesterAuthenticator a = RequesterAuthenticator.builder(registry, own.ca.trust())
                .clock(IdentityFixture.FIXED).build();

        AuthenticatedRequester who = (AuthenticatedRequester) a.authenticate(chain(practice), Map.of(), AUDIENCE);

        assertThat(who.internal()).isTrue();
        assertThat(who.requester().requesterClass()).isEqualTo(RequesterClass.PRACTICE);
    }
}

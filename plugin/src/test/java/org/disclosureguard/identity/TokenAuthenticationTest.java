package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.disclosureguard.identity.IdentityFixture.AUDIENCE;
import static org.disclosureguard.identity.IdentityFixture.NOW;
import static org.disclosureguard.identity.IdentityFixture.at;
import static org.disclosureguard.identity.TestKeys.bearer;
import static org.disclosureguard.identity.TestKeys.claims;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signed bearer tokens (SMART Backend Services client assertions): what is accepted and what is refused. */
class TokenAuthenticationTest {

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

    private AuthenticationResult present(String token) {
        return authenticator.authenticate(null, bearer(token), AUDIENCE);
    }

    private static void assertRefused(AuthenticationResult result, AuthenticationError error) {
        assertThat(result).isInstanceOf(AuthenticationFailure.class);
        assertThat(((AuthenticationFailure) result).error()).isEqualTo(error);
    }

    private static AuthenticatedRequester assertAccepted(AuthenticationResult result, String id) {
        assertThat(result).isInstanceOf(AuthenticatedRequester.class);
        AuthenticatedRequester who = (AuthenticatedRequester) result;
        assertThat(who.requester().id()).isEqualTo(id);
        return who;
    }

    // Happy paths, one per key type.

    @Test
    void rs256Token_signedWithTheRegisteredRsaKey_identifiesItsRequesterWithSignedClaims() {
        JWTClaimsSet set = claims("rsa-client", AUDIENCE, NOW)
                .claim("purpose_of_use", "IMMIGENF")
                .claim("legal_basis", "DEPORT-SERIOUS-CRIME")
                .claim("case_reference", "HO-2026-0001")
                .claim("requesting_officer", "IO 1234 Example")
                .build();

        AuthenticatedRequester who = assertAccepted(present(TestKeys.rs256(TestKeys.RSA, set)), "rsa-client");

        assertThat(who.requester().requesterClass()).isEqualTo(RequesterClass.IMMIGRATION_ENFORCEMENT);
        assertThat(who.credentials()).containsExactly(CredentialKind.BEARER_TOKEN);
        assertThat(who.overMutualTls()).isFalse();
        assertThat(who.tokenId()).isEqualTo(set.getJWTID());
        assertThat(who.tokenExpiry()).isEqualTo(set.getExpirationTime().toInstant());
        assertThat(who.claims().purposeOfUse()).contains("IMMIGENF");
        assertThat(who.claims().legalBasis()).contains("DEPORT-SERIOUS-CRIME");
        assertThat(who.claims().caseReference()).contains("HO-2026-0001");
        assertThat(who.claims().requestingOfficer()).contains("IO 1234 Example");
        assertThat(who.claims().source(Claim.PURPOSE_OF_USE)).contains(ClaimSource.SIGNED_TOKEN);
    }

    @Test
    void es256Token_signedWithTheRegisteredP256Key_identifiesItsRequester() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).claim("purpose_of_use", "ETREAT")
                .build());

        AuthenticatedRequester who = assertAccepted(present(token), "ec-client");

        assertThat(who.claims().purposeOfUse()).contains("ETREAT");
    }

    @Test
    void eddsaToken_signedWithTheRegisteredEd25519Key_identifiesItsRequester() {
        String token = TestKeys.eddsa(TestKeys.ED, claims("ed-client", AUDIENCE, NOW).claim("purpose_of_use", "PUBHLTH")
                .build());

        AuthenticatedRequester who = assertAccepted(present(token), "ed-client");

        assertThat(who.claims().purposeOfUse()).contains("PUBHLTH");
    }

    @Test
    void token_withNotBeforeInThePastAndATypHeader_isAccepted() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW).notBeforeTime(Date.from(NOW.minusSeconds(10))).build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build();

        assertAccepted(present(TestKeys.es256(TestKeys.EC, header, set)), "ec-client");
    }

    @Test
    void token_withSeveralAudiencesIncludingTheGuard_isAccepted() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW)
                .audience(java.util.List.of("https://elsewhere.example.org", AUDIENCE)).build();

        assertAccepted(present(TestKeys.es256(TestKeys.EC, set)), "ec-client");
    }

    @Test
    void token_issuedSlightlyInTheFutureWithinTheClockSkew_isAccepted() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW.plusSeconds(20)).build();

        assertAccepted(present(TestKeys.es256(TestKeys.EC, set)), "ec-client");
    }

    @Test
    void bearerScheme_isCaseInsensitive_andHeaderNamesToo() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).build());

        AuthenticationResult result = authenticator.authenticate(null, Map.of("authorization", "bearer " + token),
                AUDIENCE);

        assertAccepted(result, "ec-client");
    }

    // Refusals.

    @Test
    void forgedSignature_madeWithAnotherKeyOfTheSameType_isRefused() {
        assertRefused(present(TestKeys.es256(TestKeys.EC_OTHER, claims("ec-client", AUDIENCE, NOW).build())),
                AuthenticationError.TOKEN_SIGNATURE_INVALID);
        assertRefused(present(TestKeys.rs256(TestKeys.RSA_OTHER, claims("rsa-client", AUDIENCE, NOW).build())),
                AuthenticationError.TOKEN_SIGNATURE_INVALID);
        assertRefused(present(TestKeys.eddsa(TestKeys.ED_OTHER, claims("ed-client", AUDIENCE, NOW).build())),
                AuthenticationError.TOKEN_SIGNATURE_INVALID);
    }

    @Test
    void validToken_withItsClaimsChangedAfterSigning_isRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).claim("purpose_of_use", "TREAT")
                .build());
        String[] parts = token.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("TREAT", "ETREAT");
        String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];

        assertRefused(present(tampered), AuthenticationError.TOKEN_SIGNATURE_INVALID);
    }

    @Test
    void unsignedToken_algNone_isRefused() {
        assertRefused(present(TestKeys.unsigned(claims("ec-client", AUDIENCE, NOW).build())),
                AuthenticationError.TOKEN_ALGORITHM_REFUSED);
    }

    @Test
    void signedTokenWithItsHeaderRewrittenToAlgNone_isRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).build());
        String noneHeader = Base64URL.encode("{\"alg\":\"none\"}").toString();
        String[] parts = token.split("\\.");

        assertRefused(present(noneHeader + "." + parts[1] + "."), AuthenticationError.TOKEN_ALGORITHM_REFUSED);
        assertRefused(present(noneHeader + "." + parts[1] + "." + parts[2]), AuthenticationError.TOKEN_MALFORMED);
    }

    @Test
    void hs256Token_usingTheRegisteredPublicKeyAsTheSecret_isRefused() {
        byte[] publicKey = TestKeys.RSA.getPublic().getEncoded();
        byte[] publicPem = TestKeys.publicPem(TestKeys.RSA).getBytes(StandardCharsets.US_ASCII);
        byte[] publicJwk = TestKeys.publicJwk(TestKeys.RSA).toJSONString().getBytes(StandardCharsets.UTF_8);
        JWTClaimsSet set = claims("rsa-client", AUDIENCE, NOW).build();

        assertRefused(present(TestKeys.hs256(publicKey, set)), AuthenticationError.TOKEN_ALGORITHM_REFUSED);
        assertRefused(present(TestKeys.hs256(publicPem, set)), AuthenticationError.TOKEN_ALGORITHM_REFUSED);
        assertRefused(present(TestKeys.hs256(publicJwk, set)), AuthenticationError.TOKEN_ALGORITHM_REFUSED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RS384", "RS512", "PS256", "ES384", "ES512", "ES256K", "HS384", "HS512", "Ed25519"})
    void tokenWithAnAlgorithmOutsideTheAllowList_isRefusedBeforeAnyKeyIsLookedUp(String alg) {
        String header = Base64URL.encode("{\"alg\":\"" + alg + "\"}").toString();
        String payload = Base64URL.encode(claims("rsa-client", AUDIENCE, NOW).build().toString()).toString();

        assertRefused(present(header + "." + payload + ".c2lnbmF0dXJl"), AuthenticationError.TOKEN_ALGORITHM_REFUSED);
    }

    @Test
    void es256Token_forAnIssuerWhoseRegisteredKeyIsRsa_isRefusedAsAKeyMismatch() {
        String token = TestKeys.es256(TestKeys.EC, claims("rsa-client", AUDIENCE, NOW).build());

        assertRefused(present(token), AuthenticationError.TOKEN_KEY_MISMATCH);
    }

    @Test
    void token_naming_aKeyIdTheIssuerHasNot_isRefusedAsAKeyMismatch(@TempDir Path other) {
        String jwk = new com.nimbusds.jose.jwk.ECKey.Builder((com.nimbusds.jose.jwk.ECKey) TestKeys.publicJwk(TestKeys.EC))
                .keyID("2026-01").build().toJSONString();
        RequesterRegistry registry = RequesterRegistry.parse("r.yaml", """
                version: 1
                requesters:
                  - id: kid-client
                    organisation: Test
                    class: nhs-provider
                    token: {clientId: kid-client, keys: [{jwk: '%s'}]}
                """.formatted(jwk), other);
        RequesterAuthenticator withKid = RequesterAuthenticator.builder(registry, PartnerCaTrust.none())
                .clock(IdentityFixture.FIXED).build();
        JWTClaimsSet set = claims("kid-client", AUDIENCE, NOW).build();

        AuthenticationResult wrongKid = withKid.authenticate(null, bearer(TestKeys.es256(TestKeys.EC,
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("2025-07").build(), set)), AUDIENCE);
        AuthenticationResult rightKid = withKid.authenticate(null, bearer(TestKeys.es256(TestKeys.EC,
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("2026-01").build(), set)), AUDIENCE);

        assertRefused(wrongKid, AuthenticationError.TOKEN_KEY_MISMATCH);
        assertThat(rightKid).isInstanceOf(AuthenticatedRequester.class);
    }

    @Test
    void wrongAudience_isRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", "https://other-guard.example.org/fhir", NOW)
                .build());

        assertRefused(present(token), AuthenticationError.TOKEN_WRONG_AUDIENCE);
    }

    @Test
    void missingAudience_isRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).audience((String) null).build());

        assertRefused(present(token), AuthenticationError.TOKEN_WRONG_AUDIENCE);
    }

    @Test
    void expiredToken_isRefused_evenWithinItsFirstMinuteAfterTheSkew() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW.minus(Duration.ofMinutes(5)))
                .expirationTime(Date.from(NOW.minusSeconds(31))).build();

        assertRefused(present(TestKeys.es256(TestKeys.EC, set)), AuthenticationError.TOKEN_EXPIRED);
    }

    @Test
    void tokenExpiredLessThanTheClockSkewAgo_isAccepted() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW.minus(Duration.ofMinutes(5)))
                .expirationTime(Date.from(NOW.minusSeconds(10))).build();

        assertAccepted(present(TestKeys.es256(TestKeys.EC, set)), "ec-client");
    }

    @Test
    void tokenValidForMoreThanFiveMinutes_isRefused() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW).expirationTime(Date.from(NOW.plus(Duration.ofHours(1))))
                .build();

        assertRefused(present(TestKeys.es256(TestKeys.EC, set)), AuthenticationError.TOKEN_LIFETIME_TOO_LONG);
    }

    @Test
    void tokenWithNotBeforeInTheFuture_isRefusedAsNotYetValid() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW).notBeforeTime(Date.from(NOW.plus(Duration.ofMinutes(2))))
                .build();

        assertRefused(present(TestKeys.es256(TestKeys.EC, set)), AuthenticationError.TOKEN_NOT_YET_VALID);
    }

    @Test
    void tokenIssuedInTheFutureBeyondTheSkew_isRefusedAsNotYetValid() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW.plus(Duration.ofMinutes(2))).build();

        assertRefused(present(TestKeys.es256(TestKeys.EC, set)), AuthenticationError.TOKEN_NOT_YET_VALID);
    }

    @Test
    void replayedToken_isRefusedTheSecondTime() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).build());

        assertAccepted(present(token), "ec-client");
        assertRefused(present(token), AuthenticationError.TOKEN_REPLAYED);
    }

    @Test
    void newTokenReusingAnEarlierJti_isRefusedAsAReplay() {
        JWTClaimsSet first = claims("ec-client", AUDIENCE, NOW).jwtID("same").build();
        JWTClaimsSet second = claims("ec-client", AUDIENCE, NOW.plusSeconds(1)).jwtID("same").build();

        assertAccepted(present(TestKeys.es256(TestKeys.EC, first)), "ec-client");
        assertRefused(present(TestKeys.es256(TestKeys.EC, second)), AuthenticationError.TOKEN_REPLAYED);
    }

    @Test
    void sameJti_fromTwoDifferentIssuers_isNotAReplay() {
        assertAccepted(present(TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).jwtID("x").build())),
                "ec-client");
        assertAccepted(present(TestKeys.rs256(TestKeys.RSA, claims("rsa-client", AUDIENCE, NOW).jwtID("x").build())),
                "rsa-client");
    }

    @Test
    void replayCache_sharedAcrossAuthenticators_survivesAReload() {
        TokenReplayCache cache = new TokenReplayCache(100, RequesterAuthenticator.DEFAULT_CLOCK_SKEW,
                IdentityFixture.FIXED);
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).build());
        RequesterAuthenticator before = RequesterAuthenticator.builder(fixture.registry, fixture.ca.trust())
                .clock(IdentityFixture.FIXED).replayCache(cache).build();
        RequesterAuthenticator after = RequesterAuthenticator.builder(fixture.registry, fixture.ca.trust())
                .clock(IdentityFixture.FIXED).replayCache(cache).build();

        assertAccepted(before.authenticate(null, bearer(token), AUDIENCE), "ec-client");
        assertRefused(after.authenticate(null, bearer(token), AUDIENCE), AuthenticationError.TOKEN_REPLAYED);
    }

    @Test
    void unknownIssuer_isRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("stranger", AUDIENCE, NOW).build());

        assertRefused(present(token), AuthenticationError.TOKEN_UNKNOWN_ISSUER);
    }

    @Test
    void issuerDifferentFromSubject_isRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).subject("rsa-client").build());

        assertRefused(present(token), AuthenticationError.TOKEN_MALFORMED);
    }

    @Test
    void tokenWithoutJtiOrExpiryOrIssueTime_isRefused() {
        assertRefused(present(TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).jwtID(null).build())),
                AuthenticationError.TOKEN_MALFORMED);
        assertRefused(present(TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).expirationTime(null)
                .build())), AuthenticationError.TOKEN_MALFORMED);
        assertRefused(present(TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).issueTime(null)
                .build())), AuthenticationError.TOKEN_MALFORMED);
    }

    @Test
    void tokenWithACriticalHeaderParameter_isRefused() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).criticalParams(Set.of("exp"))
                .customParam("exp", 1).build();

        assertRefused(present(TestKeys.es256(TestKeys.EC, header, claims("ec-client", AUDIENCE, NOW).build())),
                AuthenticationError.TOKEN_MALFORMED);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "not-a-jwt", "a.b", "a.b.c.d", "eyJhbGciOiJFUzI1NiJ9.e30.%%%", "two words"})
    void garbageBearerToken_isRefusedAsMalformed(String token) {
        AuthenticationResult result = authenticator.authenticate(null, Map.of("Authorization", "Bearer " + token),
                AUDIENCE);

        assertRefused(result, AuthenticationError.TOKEN_MALFORMED);
    }

    @Test
    void authorizationWithAnotherScheme_isRefused() {
        AuthenticationResult basic = authenticator.authenticate(null, Map.of("Authorization", "Basic dXNlcjpwYXNz"),
                AUDIENCE);

        assertRefused(basic, AuthenticationError.UNSUPPORTED_AUTHORIZATION);
    }

    @Test
    void twoAuthorizationHeadersDifferingOnlyInCase_areRefused() {
        String token = TestKeys.es256(TestKeys.EC, claims("ec-client", AUDIENCE, NOW).build());
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("authorization", "Bearer " + token);

        assertRefused(authenticator.authenticate(null, headers, AUDIENCE), AuthenticationError.TOKEN_MALFORMED);
    }

    @Test
    void signedClaimThatIsNotText_isRefused() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW).claim("purpose_of_use", java.util.List.of("TREAT"))
                .build();

        assertRefused(present(TestKeys.es256(TestKeys.EC, set)), AuthenticationError.MALFORMED_CLAIM);
    }

    @Test
    void signedPurposeThatIsNotACode_isRefused() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW).claim("purpose_of_use", "treat <script>").build();

        assertRefused(present(TestKeys.es256(TestKeys.EC, set)), AuthenticationError.MALFORMED_CLAIM);
    }

    @Test
    void tokenAtLaterTime_isCheckedAgainstTheInjectedClock() {
        JWTClaimsSet set = claims("ec-client", AUDIENCE, NOW).build();
        String token = TestKeys.es256(TestKeys.EC, set);

        AuthenticationResult later = fixture.authenticator(at(NOW.plus(Duration.ofMinutes(10))))
                .authenticate(null, bearer(token), AUDIENCE);

        assertRefused(later, AuthenticationError.TOKEN_EXPIRED);
    }
}

package org.disclosureguard.staff;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Staff sign-in with OpenID Connect against a fake issuer (WireMock): discovery, the JWK set, the token endpoint,
 * and ID tokens signed with a test key. The authorization code flow with PKCE admits an allowed member of staff and
 * refuses every token or callback that does not check out.
 */
class OidcSignInTest {

    private static final WireMockServer ISSUER = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1")
            .dynamicPort());
    private static final URI REDIRECT = URI.create("http://127.0.0.1:8080/staff/login/oidc/callback");
    private static final StaffMember ANNE = new StaffMember("anne.example@nhs.net", "Dr Anne Example",
            Set.of("caldicott-guardian"));
    private static RSAKey issuerKey;
    private static RSAKey otherKey;

    private OidcSignIn signIn;

    @BeforeAll
    static void start() throws Exception {
        ISSUER.start();
        issuerKey = new RSAKeyGenerator(2048).keyID("issuer-key-1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("issuer-key-1").generate();
        ISSUER.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                         "jwks_uri":"%1$s/jwks","response_types_supported":["code"],
                         "subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"],
                         "code_challenge_methods_supported":["S256"]}
                        """.formatted(issuer()))));
        ISSUER.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withHeader("Content-Type",
                "application/json").withBody(new JWKSet(issuerKey.toPublicJWK()).toString())));
    }

    @AfterAll
    static void stop() {
        ISSUER.stop();
    }

    @BeforeEach
    void fresh() {
        ISSUER.resetRequests();
        signIn = new OidcSignIn(new OidcSignIn.Settings(URI.create(issuer()), "disclosure-guard", "s3cret",
                REDIRECT, "email", Map.of(ANNE.id(), ANNE)));
    }

    static String issuer() {
        return "http://127.0.0.1:" + ISSUER.port();
    }

    @Test
    void anAllowedMemberOfStaff_signsIn_withTheCodeFlowAndPkce() throws Exception {
        OidcSignIn.Started started = signIn.begin();
        Map<String, String> query = query(started.authorizationUri());
        assertThat(started.authorizationUri().toString()).startsWith(issuer() + "/authorize?");
        assertThat(query).containsEntry("response_type", "code").containsEntry("client_id", "disclosure-guard")
                .containsEntry("redirect_uri", REDIRECT.toString()).containsEntry("code_challenge_method", "S256")
                .containsEntry("state", started.state()).containsEntry("nonce", started.nonce());
        assertThat(query.get("scope")).contains("openid");
        assertThat(query.get("code_challenge")).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(started.codeVerifier().getBytes(StandardCharsets.US_ASCII))));

        tokenEndpointIssues(idToken(issuerKey, started.nonce(), c -> c));
        StaffMember member = signIn.complete(started, callback("the-code", started.state()));

        assertThat(member).isEqualTo(ANNE);
        ISSUER.verify(postRequestedFor(urlEqualTo("/token"))
                .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder().encodeToString(
                        "disclosure-guard:s3cret".getBytes(StandardCharsets.UTF_8))))
                .withRequestBody(containing("grant_type=authorization_code"))
                .withRequestBody(containing("code=the-code"))
                .withRequestBody(containing("code_verifier=" + started.codeVerifier())));
    }

    @Test
    void aCallbackWithAnotherState_isRefusedBeforeTheTokenEndpoint() throws Exception {
        OidcSignIn.Started started = signIn.begin();
        assertThatThrownBy(() -> signIn.complete(started, callback("the-code", "forged-state")))
                .isInstanceOf(OidcSignIn.SignInRefused.class).hasMessageContaining("state");
        ISSUER.verify(0, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void anErrorFromTheIssuer_isRefused() throws Exception {
        OidcSignIn.Started started = signIn.begin();
        URI denied = URI.create(REDIRECT + "?error=access_denied&state=" + started.state());
        assertThatThrownBy(() -> signIn.complete(started, denied)).hasMessageContaining("access_denied");
    }

    @Test
    void aTokenSignedWithAnotherKey_isRefused() throws Exception {
        refused(otherKey, c -> c, "not valid");
    }

    @Test
    void aTokenWithAnotherNonce_isRefused() throws Exception {
        OidcSignIn.Started started = signIn.begin();
        tokenEndpointIssues(idToken(issuerKey, "another-nonce", c -> c));
        assertThatThrownBy(() -> signIn.complete(started, callback("c", started.state())))
                .isInstanceOf(OidcSignIn.SignInRefused.class).hasMessageContaining("not valid");
    }

    @Test
    void aTokenForAnotherClient_fromAnotherIssuer_orExpired_isRefused() throws Exception {
        refused(issuerKey, c -> c.audience("someone-else"), "not valid");
        refused(issuerKey, c -> c.issuer("https://elsewhere.example"), "not valid");
        refused(issuerKey, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600)))
                .issueTime(Date.from(Instant.now().minusSeconds(1200))), "not valid");
    }

    @Test
    void someoneNotOnTheStaffList_orWithoutTheClaim_isRefused() throws Exception {
        refused(issuerKey, c -> c.claim("email", "mallory@example.com"), "not allowed");
        refused(issuerKey, c -> c.claim("email", null), "does not carry the claim 'email'");
    }

    @Test
    void aTokenEndpointError_isRefused() throws Exception {
        OidcSignIn.Started started = signIn.begin();
        ISSUER.stubFor(post(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_grant\"}")));
        assertThatThrownBy(() -> signIn.complete(started, callback("c", started.state())))
                .hasMessageContaining("invalid_grant");
    }

    @Test
    void anUnreachableIssuer_isRefusedWithAMessage() {
        OidcSignIn nowhere = new OidcSignIn(new OidcSignIn.Settings(URI.create("http://127.0.0.1:1"), "c", "s",
                REDIRECT, "email", Map.of()));
        assertThatThrownBy(nowhere::begin).isInstanceOf(OidcSignIn.SignInRefused.class)
                .hasMessageContaining("cannot be reached");
    }

    private void refused(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> change, String message) throws Exception {
        OidcSignIn.Started started = signIn.begin();
        tokenEndpointIssues(idToken(key, started.nonce(), change));
        assertThatThrownBy(() -> signIn.complete(started, callback("c", started.state())))
                .isInstanceOf(OidcSignIn.SignInRefused.class).hasMessageContaining(message);
    }

    private static String idToken(RSAKey key, String nonce, UnaryOperator<JWTClaimsSet.Builder> change)
            throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).subject("user-123")
                .audience("disclosure-guard").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", nonce).claim("email", ANNE.id());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), change.apply(claims).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static void tokenEndpointIssues(String idToken) {
        ISSUER.stubFor(post(urlPathEqualTo("/token")).willReturn(aResponse().withHeader("Content-Type",
                "application/json").withBody("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":300,\"id_token\":\"" + idToken + "\"}")));
    }

    private static URI callback(String code, String state) {
        return URI.create(REDIRECT + "?code=" + code + "&state=" + state);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}

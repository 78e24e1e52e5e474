package org.disclosureguard.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Staff sign-in with OpenID Connect through the whole guard, against a fake issuer (WireMock): the sign-in page
 * offers it, {@code /staff/login/oidc} sends the browser to the issuer with PKCE, the callback opens a staff session
 * only in the browser that started, and the session opens the reviewer's list.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "guard.upstream.base-url=http://127.0.0.1:9/fhir")
class StaffOidcSignInTest {

    private static final WireMockServer ISSUER = startIssuer();
    private static final RSAKey KEY = key();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add("guard.review.oidc.issuer", StaffOidcSignInTest::issuer);
        registry.add("guard.review.oidc.client-id", () -> "disclosure-guard");
        registry.add("guard.review.oidc.client-secret", () -> "s3cret");
        registry.add("guard.review.oidc.redirect-uri", () -> "http://127.0.0.1/staff/login/oidc/callback");
        registry.add("guard.review.oidc.staff-claim", () -> "email");
        registry.add("guard.review.oidc.staff[0].id", () -> "anne.example@nhs.net");
        registry.add("guard.review.oidc.staff[0].name", () -> "Dr Anne Example");
        registry.add("guard.review.oidc.staff[0].roles[0]", () -> "caldicott-guardian");
    }

    @AfterAll
    static void stop() {
        ISSUER.stop();
    }

    @Test
    void anAllowedMember_signsInWithTheIssuer_andSeesTheList() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/staff/login")));
        assertThat(page.body()).contains("href=\"/staff/login/oidc\"");

        HttpResponse<String> start = send(HttpRequest.newBuilder(uri("/staff/login/oidc")));
        assertThat(start.statusCode()).isEqualTo(303);
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        Map<String, String> query = query(authorize);
        assertThat(authorize.toString()).startsWith(issuer() + "/authorize?");
        assertThat(query).containsKeys("state", "nonce", "code_challenge").containsEntry("code_challenge_method",
                "S256");
        String browserCookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        assertThat(browserCookie).isEqualTo("dg_oidc=" + query.get("state"));

        tokenEndpointIssues(query.get("nonce"), "anne.example@nhs.net");
        HttpResponse<String> elsewhere = send(HttpRequest.newBuilder(uri("/staff/login/oidc/callback?code=c&state="
                + query.get("state"))));
        assertThat(elsewhere.statusCode()).as("a callback in a browser that did not start").isEqualTo(400);

        HttpResponse<String> back = send(HttpRequest.newBuilder(uri("/staff/login/oidc/callback?code=c&state="
                + query.get("state"))).header("Cookie", browserCookie));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(back.body()).contains("Dr Anne Example");
        assertThat(back.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'"));
        assertThat(back.body()).contains("href=\"/staff/reviews\"").doesNotContain("<script");
        String session = back.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("dg_staff="))
                .findFirst().orElseThrow();
        assertThat(session).contains("HttpOnly", "SameSite=Strict");

        HttpResponse<String> list = send(HttpRequest.newBuilder(uri("/staff/reviews"))
                .header("Cookie", session.split(";", 2)[0]));
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("Requests waiting for the");

        HttpResponse<String> replay = send(HttpRequest.newBuilder(uri("/staff/login/oidc/callback?code=c&state="
                + query.get("state"))).header("Cookie", browserCookie));
        assertThat(replay.statusCode()).as("a sign-in completes once").isEqualTo(400);
    }

    @Test
    void someoneNotOnTheStaffList_isRefused_withoutASession() throws Exception {
        HttpResponse<String> start = send(HttpRequest.newBuilder(uri("/staff/login/oidc")));
        Map<String, String> query = query(URI.create(start.headers().firstValue("Location").orElseThrow()));
        String browserCookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        tokenEndpointIssues(query.get("nonce"), "mallory@example.com");

        HttpResponse<String> back = send(HttpRequest.newBuilder(uri("/staff/login/oidc/callback?code=c&state="
                + query.get("state"))).header("Cookie", browserCookie));

        assertThat(back.statusCode()).isEqualTo(403);
        assertThat(back.body()).contains("not allowed to review");
        List<String> cookies = back.headers().allValues("Set-Cookie");
        assertThat(cookies).noneMatch(c -> c.startsWith("dg_staff="));
    }

    private static void tokenEndpointIssues(String nonce, String email) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(issuer()).subject("u-1").audience("disclosure-guard")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                        .claim("nonce", nonce).claim("email", email).build());
        jwt.sign(new RSASSASigner(KEY));
        ISSUER.stubFor(post(urlPathEqualTo("/token")).willReturn(aResponse().withHeader("Content-Type",
                "application/json").withBody("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\""
                        + jwt.serialize() + "\"}")));
    }

    private static WireMockServer startIssuer() {
        WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        return server;
    }

    private static RSAKey key() {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
            ISSUER.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(aResponse()
                    .withHeader("Content-Type", "application/json").withBody("""
                            {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                             "jwks_uri":"%1$s/jwks","response_types_supported":["code"],
                             "subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}
                            """.formatted(issuer()))));
            ISSUER.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withHeader("Content-Type",
                    "application/json").withBody(new JWKSet(key.toPublicJWK()).toString())));
            return key;
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String issuer() {
        return "http://127.0.0.1:" + ISSUER.port();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

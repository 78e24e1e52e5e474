package org.disclosureguard.staff;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Staff sign-in with OpenID Connect: the authorization code flow with PKCE (S256), a {@code state} and a
 * {@code nonce}, against one configured issuer. {@link #begin()} gives the address to send the browser to and what
 * the caller must keep for the callback (bound to that browser); {@link #complete} checks the callback's state,
 * exchanges the code at the token endpoint (client secret, HTTP Basic, with the code verifier), validates the ID
 * token (signature by a key of the issuer's JWK set, issuer, audience, expiry, nonce; RS256 or ES256) and admits
 * the person only if the configured claim's value names an allowed member of staff.
 *
 * <p>The issuer's metadata ({@code /.well-known/openid-configuration}, whose {@code issuer} must equal the
 * configured issuer) is fetched on first use, so the guard starts while the issuer is unreachable. Network time-outs
 * are 5 seconds. Every failure is a {@link SignInRefused} with a message fit for the sign-in page; nothing is
 * admitted on any doubt.
 *
 * <p>Thread-safe: the metadata and the validators are created once under a lock and are themselves thread-safe.
 */
public final class OidcSignIn {

    /** How the issuer is configured. {@code staff} maps a value of {@code staffClaim} to the member it admits. */
    public record Settings(URI issuer, String clientId, String clientSecret, URI redirectUri, String staffClaim,
            Map<String, StaffMember> staff) {
        public Settings {
            Objects.requireNonNull(issuer, "issuer");
            if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isEmpty()) {
                throw new IllegalArgumentException("OpenID Connect sign-in needs a client id and a client secret");
            }
            Objects.requireNonNull(redirectUri, "redirectUri");
            staffClaim = staffClaim == null || staffClaim.isBlank() ? "email" : staffClaim;
            staff = Map.copyOf(staff);
        }
    }

    /**
     * A sign-in under way: where to send the browser, and what to keep (bound to that browser, for example by a
     * cookie carrying {@link #state()}) until its callback.
     */
    public record Started(URI authorizationUri, String state, String nonce, String codeVerifier) {}

    /** Why a sign-in was refused, in words for the sign-in page. */
    public static final class SignInRefused extends Exception {
        private static final long serialVersionUID = 1L;

        public SignInRefused(String message) {
            super(message);
        }

        SignInRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int TIMEOUT_MS = 5000;

    private final Settings settings;
    private OIDCProviderMetadata metadata;
    private IDTokenValidator rsa;
    private IDTokenValidator ec;

    public OidcSignIn(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Starts a sign-in: the issuer's authorization address with a fresh state, nonce and PKCE challenge. */
    public Started begin() throws SignInRefused {
        OIDCProviderMetadata op = metadata();
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "profile", "email"), new ClientID(settings.clientId()), settings.redirectUri())
                .endpointURI(op.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        return new Started(request.toURI(), state.getValue(), nonce.getValue(), verifier.getValue());
    }

    /**
     * Completes a sign-in from the issuer's redirect back to the guard.
     *
     * @param started what {@link #begin()} gave for this browser
     * @param callback the full address the browser was redirected to (with {@code code} and {@code state})
     * @return the member of staff signed in
     * @throws SignInRefused when anything does not check out
     */
    public StaffMember complete(Started started, URI callback) throws SignInRefused {
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(callback, "callback");
        AuthenticationResponse response;
        try {
            response = AuthenticationResponseParser.parse(callback);
        } catch (ParseException e) {
            throw new SignInRefused("The sign-in service's answer could not be read.", e);
        }
        if (response.getState() == null || !response.getState().getValue().equals(started.state())) {
            throw new SignInRefused("This sign-in did not start in this browser (state does not match). Start again.");
        }
        if (response instanceof AuthenticationErrorResponse error) {
            throw new SignInRefused("The sign-in service refused: " + error.getErrorObject().getCode() + ".");
        }
        AuthorizationCode code = ((AuthenticationSuccessResponse) response).getAuthorizationCode();
        if (code == null) {
            throw new SignInRefused("The sign-in service sent no authorization code.");
        }
        OIDCProviderMetadata op = metadata();
        TokenRequest tokenRequest = new TokenRequest(op.getTokenEndpointURI(),
                new ClientSecretBasic(new ClientID(settings.clientId()), new Secret(settings.clientSecret())),
                new AuthorizationCodeGrant(code, settings.redirectUri(), new CodeVerifier(started.codeVerifier())));
        TokenResponse tokenResponse;
        try {
            HTTPRequest http = tokenRequest.toHTTPRequest();
            http.setConnectTimeout(TIMEOUT_MS);
            http.setReadTimeout(TIMEOUT_MS);
            tokenResponse = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException | ParseException e) {
            throw new SignInRefused("The sign-in service's token endpoint could not be used.", e);
        }
        if (!tokenResponse.indicatesSuccess()) {
            throw new SignInRefused("The sign-in service did not issue tokens: "
                    + ((TokenErrorResponse) tokenResponse).getErrorObject().getCode() + ".");
        }
        JWT idToken = ((OIDCTokenResponse) tokenResponse.toSuccessResponse()).getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw new SignInRefused("The sign-in service issued no ID token.");
        }
        IDTokenClaimsSet claims;
        try {
            JWSAlgorithm alg = idToken.getHeader().getAlgorithm() instanceof JWSAlgorithm a ? a : null;
            IDTokenValidator validator = JWSAlgorithm.ES256.equals(alg) ? validators()[1] : validators()[0];
            claims = validator.validate(idToken, new Nonce(started.nonce()));
        } catch (BadJOSEException | JOSEException e) {
            throw new SignInRefused("The sign-in service's ID token is not valid: " + e.getMessage(), e);
        }
        Object value = claims.getClaim(settings.staffClaim());
        if (!(value instanceof String id) || id.isBlank()) {
            throw new SignInRefused("The ID token does not carry the claim '" + settings.staffClaim()
                    + "' that names the member of staff.");
        }
        return Optional.ofNullable(settings.staff().get(id)).orElseThrow(() -> new SignInRefused(
                "You signed in as " + id + ", who is not allowed to review requests at this practice."));
    }

    private synchronized OIDCProviderMetadata metadata() throws SignInRefused {
        if (metadata == null) {
            try {
                metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), TIMEOUT_MS, TIMEOUT_MS);
            } catch (IOException | com.nimbusds.oauth2.sdk.GeneralException e) {
                throw new SignInRefused("The sign-in service (" + settings.issuer() + ") cannot be reached or does"
                        + " not describe itself correctly.", e);
            }
            if (metadata.getTokenEndpointURI() == null) {
                metadata = null;
                throw new SignInRefused("The sign-in service has no token endpoint.");
            }
        }
        return metadata;
    }

    private synchronized IDTokenValidator[] validators() throws SignInRefused {
        if (rsa == null) {
            OIDCProviderMetadata op = metadata();
            try {
                java.net.URL jwks = op.getJWKSetURI().toURL();
                rsa = new IDTokenValidator(op.getIssuer(), new ClientID(settings.clientId()), JWSAlgorithm.RS256, jwks);
                ec = new IDTokenValidator(op.getIssuer(), new ClientID(settings.clientId()), JWSAlgorithm.ES256, jwks);
            } catch (MalformedURLException | RuntimeException e) {
                throw new SignInRefused("The sign-in service's key set address is not usable.", e);
            }
        }
        return new IDTokenValidator[] {rsa, ec};
    }
}

package org.disclosureguard.testsupport;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Generated requester keys, their public JWKs for a registry file, and client assertions signed with them
 * (ES256 with the JDK, EdDSA over Ed25519 with Bouncy Castle). Test support only; not thread-safe per key.
 */
public final class SignedTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SignedTokens() {}

    /** A new P-256 key pair. */
    public static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new Ed25519 private key. */
    public static Ed25519PrivateKeyParameters ed25519() {
        return new Ed25519PrivateKeyParameters(RANDOM);
    }

    /** The public JWK of a P-256 key pair, as JSON. */
    public static String publicJwk(KeyPair pair) {
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).build().toJSONString();
    }

    /** The public JWK of an Ed25519 key, as JSON. */
    public static String publicJwk(Ed25519PrivateKeyParameters key) {
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(key.generatePublicKey().getEncoded()))
                .build().toJSONString();
    }

    /** The claims of a client assertion issued at {@code now}, valid for four minutes, with a fresh jti. */
    public static JWTClaimsSet.Builder claims(String clientId, String audience, Instant now) {
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(4))))
                .jwtID(UUID.randomUUID().toString());
    }

    /** A compact ES256 JWS. */
    public static String es256(KeyPair pair, JWTClaimsSet.Builder claims) {
        try {
            JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload(claims.build().toJSONObject()));
            jws.sign(new ECDSASigner((ECPrivateKey) pair.getPrivate()));
            return jws.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact EdDSA (Ed25519) JWS. */
    public static String eddsa(Ed25519PrivateKeyParameters key, JWTClaimsSet.Builder claims) {
        JWSHeader header = new JWSHeader(JWSAlgorithm.EdDSA);
        Payload payload = new Payload(claims.build().toJSONObject());
        String input = header.toBase64URL() + "." + payload.toBase64URL();
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
        signer.update(bytes, 0, bytes.length);
        return input + "." + Base64URL.encode(signer.generateSignature());
    }
}

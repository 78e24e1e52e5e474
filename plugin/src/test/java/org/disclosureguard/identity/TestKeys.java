package org.disclosureguard.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Keys generated with Bouncy Castle once per test run (RSA generation is the slow part), and helpers that sign
 * tokens with them. Test support only.
 */
final class TestKeys {

    static final Provider BC = new BouncyCastleProvider();
    static final SecureRandom RANDOM = new SecureRandom();

    static final KeyPair RSA = generate("RSA", 2048);
    static final KeyPair RSA_OTHER = generate("RSA", 2048);
    static final KeyPair EC = generateEc();
    static final KeyPair EC_OTHER = generateEc();
    static final KeyPair EC_BOTH = generateEc();
    static final Ed25519PrivateKeyParameters ED = new Ed25519PrivateKeyParameters(RANDOM);
    static final Ed25519PrivateKeyParameters ED_OTHER = new Ed25519PrivateKeyParameters(RANDOM);

    private TestKeys() {}

    static JWK publicJwk(KeyPair pair) {
        if (pair.getPublic() instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).build();
    }

    static OctetKeyPair publicJwk(Ed25519PrivateKeyParameters key) {
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(key.generatePublicKey().getEncoded())).build();
    }

    /** The public key's SubjectPublicKeyInfo as PEM. */
    static String publicPem(KeyPair pair) {
        return PartnerCa.pem(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
    }

    static String publicPem(Ed25519PrivateKeyParameters key) {
        try {
            return PartnerCa.pem(org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory
                    .createSubjectPublicKeyInfo(key.generatePublicKey()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims of a valid client assertion issued at {@code now}, expiring in four minutes. */
    static JWTClaimsSet.Builder claims(String clientId, String audience, Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(4))))
                .jwtID("jti-" + new BigInteger(64, RANDOM).toString(36));
    }

    static String rs256(KeyPair pair, JWTClaimsSet claims) {
        return sign(new JWSHeader(JWSAlgorithm.RS256), claims, () -> {
            RSASSASigner s = new RSASSASigner((RSAPrivateKey) pair.getPrivate());
            s.getJCAContext().setProvider(BC);
            return s;
        });
    }

    static String es256(KeyPair pair, JWTClaimsSet claims) {
        return es256(pair, new JWSHeader(JWSAlgorithm.ES256), claims);
    }

    static String es256(KeyPair pair, JWSHeader header, JWTClaimsSet claims) {
        return sign(header, claims, () -> {
            ECDSASigner s = new ECDSASigner((ECPrivateKey) pair.getPrivate());
            s.getJCAContext().setProvider(BC);
            return s;
        });
    }

    /** EdDSA over Ed25519, signed with Bouncy Castle directly (Nimbus's own signer needs Google Tink). */
    static String eddsa(Ed25519PrivateKeyParameters key, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader(JWSAlgorithm.EdDSA);
        Payload payload = new Payload(claims.toJSONObject());
        String signingInput = header.toBase64URL() + "." + payload.toBase64URL();
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] input = signingInput.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        signer.update(input, 0, input.length);
        return signingInput + "." + Base64URL.encode(signer.generateSignature());
    }

    /** HS256 with the given bytes as the shared secret (for example an RSA public key's encoding). */
    static String hs256(byte[] secret, JWTClaimsSet claims) {
        return sign(new JWSHeader(JWSAlgorithm.HS256), claims, () -> new MACSigner(secret));
    }

    static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** Bearer header map for a compact token. */
    static Map<String, String> bearer(String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        return headers;
    }

    /** A self-signed client certificate made outside the partner CA. */
    static X509Certificate selfSigned(String subject, Instant now) {
        try {
            KeyPair pair = generateEc();
            X500Name name = new X500Name(subject);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(7),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                    pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(pair.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface SignerFactory {
        JWSSigner create() throws JOSEException;
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, SignerFactory factory) {
        try {
            JWSObject jws = new JWSObject(header, new Payload(claims.toJSONObject()));
            jws.sign(factory.create());
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, BC);
            generator.initialize(bits, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair generateEc() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.disclosureguard.identity;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.config.YamlNode;

/**
 * Reads the public keys of the registry (inline JWKs and PEM files) and refuses anything the authenticator would
 * not accept: private or symmetric keys, curves other than P-256 and Ed25519, RSA keys under 2048 bits, and
 * {@code alg} or {@code use} members that contradict the key type. Stateless.
 */
final class RegistryKeys {

    static final int MIN_RSA_BITS = 2048;

    private static final Set<String> PUBLIC_MEMBERS = Set.of("kty", "crv", "x", "y", "n", "e", "kid", "alg", "use");
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    private static final long MAX_PEM_BYTES = 64 * 1024;

    private RegistryKeys() {}

    /** An inline JWK, written either as a YAML mapping of its members or as a JSON string. */
    static JWK fromJwk(YamlNode node) {
        JWK jwk;
        try {
            if (node.isMapping()) {
                Map<String, YamlNode> entries = node.entries();
                for (Map.Entry<String, YamlNode> entry : entries.entrySet()) {
                    if (PRIVATE_MEMBERS.contains(entry.getKey())) {
                        throw entry.getValue().error(privateKeyProblem(entry.getKey()));
                    }
                }
                node.requireOnlyKeys(PUBLIC_MEMBERS);
                Map<String, Object> members = new LinkedHashMap<>();
                entries.forEach((name, value) -> members.put(name, value.text()));
                jwk = JWK.parse(members);
            } else {
                jwk = JWK.parse(node.text());
            }
        } catch (ParseException | IllegalArgumentException e) {
            throw node.error("not a valid public JWK: " + e.getMessage());
        }
        if (jwk.isPrivate() || jwk.getKeyType() == KeyType.OCT) {
            throw node.error(jwk.getKeyType() == KeyType.OCT
                    ? "symmetric (oct) keys are not accepted: register the requester's public key"
                    : privateKeyProblem("d"));
        }
        return check(jwk, node);
    }

    /**
     * A public key from a PEM file ({@code PUBLIC KEY} or {@code CERTIFICATE}), the path relative to the registry
     * file's directory.
     */
    static JWK fromPem(YamlNode node, Path baseDirectory) {
        Path file;
        try {
            file = baseDirectory.resolve(node.text()).normalize();
        } catch (InvalidPathException e) {
            throw node.error("the key file name is not a valid path: " + e.getReason());
        }
        SubjectPublicKeyInfo info;
        try {
            if (!Files.isRegularFile(file)) {
                throw node.error("the key file " + file + " does not exist");
            }
            if (Files.size(file) > MAX_PEM_BYTES) {
                throw node.error("the key file " + file + " is too large to be a public key");
            }
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                    PEMParser pem = new PEMParser(reader)) {
                Object object = pem.readObject();
                if (object instanceof SubjectPublicKeyInfo spki) {
                    info = spki;
                } else if (object instanceof X509CertificateHolder certificate) {
                    info = certificate.getSubjectPublicKeyInfo();
                } else if (object == null) {
                    throw node.error("the key file " + file + " holds no PEM object");
                } else {
                    throw node.error("the key file " + file + " must hold a PUBLIC KEY or a CERTIFICATE, "
                            + "never a private key");
                }
            }
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw node.error("the key file " + file + " cannot be read as PEM: " + e.getMessage());
        }
        return check(toJwk(info, node, file), node);
    }

    private static JWK toJwk(SubjectPublicKeyInfo info, YamlNode node, Path file) {
        try {
            if (EdECObjectIdentifiers.id_Ed25519.equals(info.getAlgorithm().getAlgorithm())) {
                return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(info.getPublicKeyData().getBytes()))
                        .build();
            }
            PublicKey key = new JcaPEMKeyConverter().getPublicKey(info);
            if (key instanceof RSAPublicKey rsa) {
                return new RSAKey.Builder(rsa).build();
            }
            if (key instanceof ECPublicKey ec) {
                Curve curve = Curve.forECParameterSpec(ec.getParams());
                if (!Curve.P_256.equals(curve)) {
                    throw node.error("the key in " + file + " is on a curve other than P-256");
                }
                return new ECKey.Builder(Curve.P_256, ec).build();
            }
            throw node.error("the key in " + file + " is a " + key.getAlgorithm()
                    + " key: use an RSA, EC P-256 or Ed25519 key");
        } catch (IOException e) {
            throw node.error("the key in " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static JWK check(JWK jwk, YamlNode node) {
        JWSAlgorithm expected;
        if (jwk instanceof RSAKey rsa) {
            if (rsa.size() < MIN_RSA_BITS) {
                throw node.error("the RSA key has " + rsa.size() + " bits: at least " + MIN_RSA_BITS + " are needed");
            }
            expected = JWSAlgorithm.RS256;
        } else if (jwk instanceof ECKey ec) {
            if (!Curve.P_256.equals(ec.getCurve())) {
                throw node.error("EC keys must be on curve P-256 (found " + ec.getCurve() + ")");
            }
            expected = JWSAlgorithm.ES256;
        } else if (jwk instanceof OctetKeyPair okp) {
            if (!Curve.Ed25519.equals(okp.getCurve())) {
                throw node.error("OKP keys must be Ed25519 (found " + okp.getCurve() + ")");
            }
            if (okp.getDecodedX().length != 32) {
                throw node.error("an Ed25519 public key has 32 bytes");
            }
            expected = JWSAlgorithm.EdDSA;
        } else {
            throw node.error("key type " + jwk.getKeyType() + " is not accepted: use RSA, EC P-256 or Ed25519");
        }
        Algorithm declared = jwk.getAlgorithm();
        if (declared != null && !expected.getName().equals(declared.getName())) {
            throw node.error("the key says alg " + declared + " but a " + jwk.getKeyType() + " key signs with "
                    + expected + " here");
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw node.error("the key's use is '" + jwk.getKeyUse().identifier() + "': it must be 'sig'");
        }
        return jwk;
    }

    /** The JWS algorithm a registered key signs with. */
    static JWSAlgorithm algorithmFor(JWK jwk) {
        if (jwk instanceof RSAKey) {
            return JWSAlgorithm.RS256;
        }
        if (jwk instanceof ECKey) {
            return JWSAlgorithm.ES256;
        }
        return JWSAlgorithm.EdDSA;
    }

    private static String privateKeyProblem(String member) {
        return "the registry takes public keys only: found private key member '" + member
                + "'; remove it and keep the private key with the requester";
    }
}

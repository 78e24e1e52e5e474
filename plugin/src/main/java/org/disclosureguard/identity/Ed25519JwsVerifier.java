package org.disclosureguard.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies EdDSA (Ed25519) JWS signatures with Bouncy Castle. Nimbus parses the token and calls this verifier
 * with the signing input; Nimbus's own Ed25519 verifier needs Google Tink, which the guard does not ship. Refuses
 * any header with critical parameters. Immutable and thread-safe (a new signer per call).
 */
final class Ed25519JwsVerifier implements JWSVerifier {

    private final Ed25519PublicKeyParameters key;
    private final JCAContext jcaContext = new JCAContext();

    Ed25519JwsVerifier(OctetKeyPair publicKey) {
        if (!Curve.Ed25519.equals(publicKey.getCurve())) {
            throw new IllegalArgumentException("not an Ed25519 key");
        }
        this.key = new Ed25519PublicKeyParameters(publicKey.getDecodedX(), 0);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("unsupported algorithm " + header.getAlgorithm());
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false;
        }
        byte[] sig = signature.decode();
        if (sig.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(signingInput, 0, signingInput.length);
        return verifier.verifySignature(sig);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}

package org.disclosureguard.audit;

import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 public key that checkpoint signatures are checked with, and its key id: the first 16 lower-case hex
 * digits of SHA-256 over the 32 raw public key bytes (RFC 8032 encoding). Immutable and thread-safe.
 */
public final class AuditPublicKey {

    private final Ed25519PublicKeyParameters key;
    private final String keyId;

    public AuditPublicKey(Ed25519PublicKeyParameters key) {
        this.key = Objects.requireNonNull(key, "key");
        this.keyId = keyId(key.getEncoded());
    }

    /** The key id of raw Ed25519 public key bytes. */
    public static String keyId(byte[] rawPublicKey) {
        return ChainHash.sha256Hex(rawPublicKey).substring(0, 16);
    }

    /** The key id. */
    public String keyId() {
        return keyId;
    }

    /** The 32 raw public key bytes. */
    public byte[] raw() {
        return key.getEncoded();
    }

    Ed25519PublicKeyParameters parameters() {
        return key;
    }

    /** Whether {@code signature} is this key's Ed25519 signature over {@code message}. */
    public boolean verifies(byte[] message, byte[] signature) {
        if (signature == null || signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public String toString() {
        return "AuditPublicKey[" + keyId + "]";
    }
}

package org.disclosureguard.audit;

import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The Ed25519 private key that signs checkpoints, with its public key and key id. Loaded from a key directory by
 * {@link AuditKeyDirectory#signingKey}; tests may build one from fixed bytes. Immutable and thread-safe (each
 * signature uses its own signer).
 */
public final class AuditSigningKey {

    private final Ed25519PrivateKeyParameters key;
    private final AuditPublicKey publicKey;

    public AuditSigningKey(Ed25519PrivateKeyParameters key) {
        this.key = Objects.requireNonNull(key, "key");
        this.publicKey = new AuditPublicKey(key.generatePublicKey());
    }

    /** The key id (see {@link AuditPublicKey#keyId()}). */
    public String keyId() {
        return publicKey.keyId();
    }

    /** The matching public key. */
    public AuditPublicKey publicKey() {
        return publicKey;
    }

    Ed25519PrivateKeyParameters parameters() {
        return key;
    }

    /** The Ed25519 signature (64 bytes) over {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        return "AuditSigningKey[" + keyId() + "]";
    }
}

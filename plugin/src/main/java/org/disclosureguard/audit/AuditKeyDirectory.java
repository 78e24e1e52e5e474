package org.disclosureguard.audit;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A directory of audit checkpoint keys (Ed25519, Bouncy Castle):
 *
 * <ul>
 *   <li>{@code audit-<keyid>.key.pem}: a private key, PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), owner
 *       read/write only ({@code 0600}) where the file system has POSIX permissions;
 *   <li>{@code audit-<keyid>.pub.pem}: its public key, X.509 SubjectPublicKeyInfo PEM
 *       ({@code -----BEGIN PUBLIC KEY-----});
 *   <li>{@code current}: the key id of the key that signs new checkpoints, one line.
 * </ul>
 *
 * <p>{@link #generate} creates the first key; {@link #rotate} creates a new current key, deletes the previous
 * private key and keeps every public key, so that old checkpoints still verify. Verifiers need only the
 * {@code *.pub.pem} files ({@link #publicKeys}); key ids are always recomputed from the key bytes, never taken from
 * file names.
 *
 * <p>Not safe for concurrent {@code generate}/{@code rotate} on one directory; reading is.
 */
public final class AuditKeyDirectory {

    /** The file naming the current key id. */
    public static final String CURRENT = "current";

    private AuditKeyDirectory() {
    }

    /**
     * Creates the directory's first key pair and makes it current.
     *
     * @throws AuditKeyException when the directory already has a current key (use {@link #rotate}) or cannot be
     *     written
     */
    public static AuditSigningKey generate(Path dir, SecureRandom random) {
        if (Files.exists(dir.resolve(CURRENT))) {
            throw new AuditKeyException(dir + " already has a current audit key; use 'audit keys rotate' to replace "
                    + "it");
        }
        return create(dir, random);
    }

    /**
     * The current signing key for a guard starting up: the directory's current key; or, on a first start (the audit
     * log has no checkpoint yet), a new first key. A directory without a current key beside an audit log that already
     * has signed checkpoints is refused rather than silently given a new key: a lost or removed key must be restored,
     * or replaced deliberately by someone who then gives verifiers the new public key.
     *
     * @param newest the audit log's newest checkpoint, if any
     * @throws AuditKeyException when the key is missing but the log has checkpoints, or the key cannot be read
     */
    public static AuditSigningKey forStartup(Path dir, Optional<Checkpoint> newest, SecureRandom random) {
        if (Files.exists(dir.resolve(CURRENT))) {
            return signingKey(dir);
        }
        if (newest.isPresent()) {
            throw new AuditKeyException(dir + " has no current audit key, but the audit log's checkpoints are signed "
                    + "(the newest, at seq " + newest.get().seq() + ", by key " + newest.get().keyId() + "). Restore "
                    + "the key directory from its backup; if the key is lost, create a new one deliberately with "
                    + "'audit keys generate --dir " + dir + "' and give verifiers its public key");
        }
        return generate(dir, random);
    }

    /**
     * Creates a new key pair, makes it current, and deletes the private key of the previous current key (its public
     * key stays).
     *
     * @throws AuditKeyException when the directory has no current key (use {@link #generate}) or cannot be written
     */
    public static AuditSigningKey rotate(Path dir, SecureRandom random) {
        String previous = currentKeyId(dir);
        AuditSigningKey key = create(dir, random);
        try {
            Files.deleteIfExists(privateKeyFile(dir, previous));
        } catch (IOException e) {
            throw new AuditKeyException("the new key " + key.keyId() + " is current, but the retired private key "
                    + privateKeyFile(dir, previous) + " could not be deleted: " + e.getMessage(), e);
        }
        return key;
    }

    private static AuditSigningKey create(Path dir, SecureRandom random) {
        AuditSigningKey key = new AuditSigningKey(new Ed25519PrivateKeyParameters(random));
        try {
            Files.createDirectories(dir);
            PrivateKeyInfo info = PrivateKeyInfoFactory.createPrivateKeyInfo(key.parameters());
            writeNew(privateKeyFile(dir, key.keyId()), pem("PRIVATE KEY", info.getEncoded()), true);
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(
                    key.publicKey().parameters());
            writeNew(publicKeyFile(dir, key.keyId()), pem("PUBLIC KEY", spki.getEncoded()), false);
            Path tmp = dir.resolve(CURRENT + ".tmp");
            Files.writeString(tmp, key.keyId() + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, dir.resolve(CURRENT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new AuditKeyException("cannot write audit keys in " + dir + ": " + e.getMessage(), e);
        }
        return key;
    }

    /** The id of the directory's current key. */
    public static String currentKeyId(Path dir) {
        Path file = dir.resolve(CURRENT);
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!id.matches("[0-9a-f]{16}")) {
                throw new AuditKeyException(file + " does not hold a key id (16 hex digits)");
            }
            return id;
        } catch (IOException e) {
            throw new AuditKeyException("no current audit key in " + dir + " (" + e.getMessage()
                    + "); create one with 'audit keys generate --dir " + dir + "'", e);
        }
    }

    /** The current signing key. */
    public static AuditSigningKey signingKey(Path dir) {
        String id = currentKeyId(dir);
        Path file = privateKeyFile(dir, id);
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(readPem(file, "PRIVATE KEY"));
        } catch (IOException | RuntimeException e) {
            throw new AuditKeyException("cannot read the audit private key " + file + ": " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PrivateKeyParameters ed)) {
            throw new AuditKeyException(file + " is not an Ed25519 private key");
        }
        AuditSigningKey signing = new AuditSigningKey(ed);
        if (!signing.keyId().equals(id)) {
            throw new AuditKeyException(file + " holds key " + signing.keyId() + ", not the current key " + id);
        }
        return signing;
    }

    /**
     * Every public key in the directory ({@code *.pub.pem}), by key id.
     *
     * @throws AuditKeyException when the directory cannot be read, a file is not an Ed25519 public key, or there
     *     are none
     */
    public static Map<String, AuditPublicKey> publicKeys(Path dir) {
        Map<String, AuditPublicKey> keys = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.pub.pem")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new AuditKeyException("cannot read the audit key directory " + dir + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            AuditPublicKey key = readPublicKey(file);
            keys.put(key.keyId(), key);
        }
        if (keys.isEmpty()) {
            throw new AuditKeyException("no audit public keys (*.pub.pem) in " + dir);
        }
        return keys;
    }

    /** One public key file. */
    public static AuditPublicKey readPublicKey(Path file) {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(readPem(file, "PUBLIC KEY"));
        } catch (IOException | RuntimeException e) {
            throw new AuditKeyException("cannot read the audit public key " + file + ": " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PublicKeyParameters ed)) {
            throw new AuditKeyException(file + " is not an Ed25519 public key");
        }
        return new AuditPublicKey(ed);
    }

    /** The private key file of a key id. */
    public static Path privateKeyFile(Path dir, String keyId) {
        return dir.resolve("audit-" + keyId + ".key.pem");
    }

    /** The public key file of a key id. */
    public static Path publicKeyFile(Path dir, String keyId) {
        return dir.resolve("audit-" + keyId + ".pub.pem");
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static byte[] readPem(Path file, String type) throws IOException {
        try (PemReader reader = new PemReader(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            PemObject object = reader.readPemObject();
            if (object == null || !type.equals(object.getType())) {
                throw new IOException("not a PEM '" + type + "' file");
            }
            return object.getContent();
        }
    }

    private static void writeNew(Path file, String content, boolean secret) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }
}

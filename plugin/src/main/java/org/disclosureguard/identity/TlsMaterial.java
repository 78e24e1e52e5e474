package org.disclosureguard.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.disclosureguard.config.ConfigException;

/**
 * Key and trust stores for the guard's mutual-TLS listener, from the PEM files {@code ca server} and
 * {@code ca init} write: the server certificate chain and its private key, and the partner CA certificates that
 * client certificates must chain to. PEM is read with Bouncy Castle; the stores are in-memory PKCS#12 stores
 * holding keys of the JDK's own providers, which the JDK's TLS implementation needs. Stateless.
 */
public final class TlsMaterial {

    /** The alias of the guard's key in {@link #serverKeyStore}. */
    public static final String SERVER_ALIAS = "guard";

    private TlsMaterial() {}

    /**
     * A key store with the server's private key and certificate chain under {@link #SERVER_ALIAS}.
     *
     * @param certificateFile PEM: the server certificate first, then any intermediates
     * @param keyFile PEM: the private key (PKCS#8 {@code PRIVATE KEY} or a traditional key pair)
     * @param password the password to protect the key with inside the store
     * @throws ConfigException naming the file, if a file is missing or does not hold what it should, or the key
     *     does not belong to the certificate
     */
    public static KeyStore serverKeyStore(Path certificateFile, Path keyFile, char[] password) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!chain.get(0).getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new ConfigException(keyFile.toString(), 0, "holds a " + key.getAlgorithm() + " key, but "
                    + certificateFile + " certifies a " + chain.get(0).getPublicKey().getAlgorithm() + " key");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(SERVER_ALIAS, key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(keyFile.toString(), 0, "cannot be used as the TLS key: " + e.getMessage());
        }
    }

    /** A trust store holding the given CA certificates (aliases {@code ca-0}, {@code ca-1}, ...). */
    public static KeyStore trustStore(Collection<X509Certificate> caCertificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : caCertificates) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store: " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in file order; at least one. */
    static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file);
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : all) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw new ConfigException(file.toString(), 0, "holds no PEM CERTIFICATE");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file.toString(), 0, "does not hold PEM certificates: " + e.getMessage());
        }
    }

    static PrivateKey privateKey(Path file) {
        byte[] bytes = read(file);
        try (Reader reader = new java.io.InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new ConfigException(file.toString(), 0, "does not hold an unencrypted PEM PRIVATE KEY");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "does not hold a PEM private key: " + e.getMessage());
        }
    }

    private static byte[] read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file.toString(), 0, "does not exist");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot be read: " + e.getMessage());
        }
    }
}

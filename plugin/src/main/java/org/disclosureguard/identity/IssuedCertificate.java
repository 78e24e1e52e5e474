package org.disclosureguard.identity;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * A certificate the partner CA issued and the files it wrote for it. Immutable.
 *
 * @param certificate the certificate
 * @param certificateFile the certificate in PEM ({@code curl --cert})
 * @param keyFile the private key in PEM, PKCS#8, readable by the owner only ({@code curl --key})
 * @param pkcs12File the key and certificate chain as PKCS#12 ({@code curl --cert-type P12})
 * @param pkcs12PasswordFile the PKCS#12 file's password, readable by the owner only
 */
public record IssuedCertificate(X509Certificate certificate, Path certificateFile, Path keyFile, Path pkcs12File,
        Path pkcs12PasswordFile) {

    /** The serial number in lower-case hex, as {@code ca revoke --serial} takes it. */
    public String serialHex() {
        return certificate.getSerialNumber().toString(16);
    }

    /** The SHA-256 fingerprint as 64 lower-case hex digits. */
    public String sha256() {
        return CertificateFingerprint.sha256(certificate);
    }
}

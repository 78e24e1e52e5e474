package org.disclosureguard.identity;

import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;

/**
 * How a registered requester's client certificate is recognised: by the SHA-256 fingerprint of the certificate,
 * by its subject distinguished name, or by both (then both must match). Only certificates that chain to the
 * practice's partner CA are ever compared with a credential, so a subject name is as strong as the CA's
 * issuing discipline; a fingerprint pins one certificate and must be updated when it is renewed.
 *
 * @param sha256 64 lower-case hex digits, or {@code null} when only the subject is registered
 * @param subject the subject DN, or {@code null} when only the fingerprint is registered
 */
public record CertificateCredential(String sha256, X500Principal subject) {

    public CertificateCredential {
        if (sha256 == null && subject == null) {
            throw new IllegalArgumentException("a certificate credential needs a fingerprint or a subject");
        }
    }

    /** Whether this credential names the given certificate, whose fingerprint has been computed already. */
    public boolean matches(X509Certificate certificate, String certificateSha256) {
        if (sha256 != null && !sha256.equals(certificateSha256)) {
            return false;
        }
        return subject == null || canonical(subject).equals(canonical(certificate.getSubjectX500Principal()));
    }

    static String canonical(X500Principal name) {
        return name.getName(X500Principal.CANONICAL);
    }
}

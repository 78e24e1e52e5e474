package org.disclosureguard.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 fingerprints of certificates, the form the registry pins a client certificate with. Internally a
 * fingerprint is 64 lower-case hex digits; it is shown as upper-case pairs separated by colons, the way {@code
 * openssl x509 -fingerprint -sha256} prints it. Stateless and thread-safe.
 */
public final class CertificateFingerprint {

    private CertificateFingerprint() {}

    /** The SHA-256 fingerprint of the certificate's DER encoding, as 64 lower-case hex digits. */
    public static String sha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /**
     * Reads a fingerprint written with or without colons, spaces and in either case.
     *
     * @return 64 lower-case hex digits, or {@code null} if the text is not a SHA-256 fingerprint
     */
    public static String normalise(String text) {
        if (text == null) {
            return null;
        }
        String hex = text.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return null;
        }
        return hex;
    }

    /** Formats a normalised fingerprint as upper-case hex pairs separated by colons. */
    public static String display(String normalised) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < normalised.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(normalised.substring(i, i + 2).toUpperCase(Locale.ROOT));
        }
        return out.toString();
    }
}

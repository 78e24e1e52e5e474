package org.disclosureguard.identity;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.disclosureguard.config.ConfigException;

/**
 * The partner certificate authority as the guard trusts it: the CA certificate(s) and their certificate
 * revocation lists, without any private key. A client certificate is accepted only if it chains to one of the
 * CA certificates (PKIX validation by the JDK at the injected time), is within its validity, is not revoked
 * according to a current CRL (a missing or out-of-date CRL fails closed), is an end-entity certificate, and
 * carries the {@code clientAuth} extended key usage. Immutable and thread-safe.
 */
public final class PartnerCaTrust {

    /** The CA certificate in a partner CA directory (PEM). */
    public static final String CA_CERTIFICATE_FILE = "ca.pem";
    /** The current CRL in a partner CA directory (PEM). */
    public static final String CRL_FILE = "crl.pem";

    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final List<X509Certificate> caCertificates;
    private final Set<TrustAnchor> anchors;
    private final List<X509CRL> crls;

    private PartnerCaTrust(List<X509Certificate> caCertificates, List<X509CRL> crls) {
        this.caCertificates = List.copyOf(caCertificates);
        this.crls = List.copyOf(crls);
        Set<TrustAnchor> set = new HashSet<>();
        for (X509Certificate ca : caCertificates) {
            set.add(new TrustAnchor(ca, null));
        }
        this.anchors = Set.copyOf(set);
    }

    /**
     * Trusts the given CA certificates, with revocation checked against the given CRLs (each must be signed by
     * one of the CAs). A CA without a current CRL makes every certificate it issued fail with {@link
     * AuthenticationError#REVOCATION_UNKNOWN}.
     */
    public static PartnerCaTrust of(Collection<X509Certificate> caCertificates, Collection<X509CRL> crls) {
        for (X509Certificate ca : caCertificates) {
            if (ca.getBasicConstraints() < 0) {
                throw new IllegalArgumentException("not a CA certificate: " + ca.getSubjectX500Principal());
            }
        }
        for (X509CRL crl : crls) {
            if (!signedByOneOf(crl, caCertificates)) {
                throw new IllegalArgumentException("the CRL of " + crl.getIssuerX500Principal()
                        + " is not signed by a trusted CA");
            }
        }
        return new PartnerCaTrust(new ArrayList<>(caCertificates), new ArrayList<>(crls));
    }

    /** Trusts no CA: every client certificate is refused as untrusted. For guards that accept tokens only. */
    public static PartnerCaTrust none() {
        return new PartnerCaTrust(List.of(), List.of());
    }

    /** Reads {@value #CA_CERTIFICATE_FILE} and {@value #CRL_FILE} from a partner CA directory. */
    public static PartnerCaTrust load(Path caDirectory) {
        Path caFile = caDirectory.resolve(CA_CERTIFICATE_FILE);
        Path crlFile = caDirectory.resolve(CRL_FILE);
        X509Certificate ca = readCertificate(caFile);
        X509CRL crl = readCrl(crlFile);
        try {
            return of(List.of(ca), List.of(crl));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(crlFile.toString(), 0, e.getMessage());
        }
    }

    /** The trusted CA certificates. */
    public List<X509Certificate> caCertificates() {
        return caCertificates;
    }

    /** The CRLs revocation is checked against. */
    public List<X509CRL> crls() {
        return crls;
    }

    /**
     * Validates a client certificate chain (leaf first, as TLS presents it) at the given time.
     *
     * @return empty if the leaf is a valid, unrevoked client certificate issued by a trusted CA; otherwise the
     *     refusal
     */
    Optional<AuthenticationFailure> check(X509Certificate[] chain, Instant at) {
        X509Certificate leaf = chain[0];
        String who = "certificate " + leaf.getSubjectX500Principal() + " serial " + leaf.getSerialNumber().toString(16);
        if (anchors.isEmpty()) {
            return fail(AuthenticationError.CERTIFICATE_UNTRUSTED, who + ": the guard trusts no partner CA");
        }
        List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
        while (path.size() > 1 && caCertificates.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath certPath = factory.generateCertPath(path);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setDate(Date.from(at));
            parameters.setRevocationEnabled(true);
            PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
            revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                    PKIXRevocationChecker.Option.NO_FALLBACK));
            parameters.addCertPathChecker(revocation);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            validator.validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            return fail(classify(e), who + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return fail(AuthenticationError.CERTIFICATE_UNTRUSTED, who + ": " + e.getMessage());
        }
        if (leaf.getBasicConstraints() >= 0) {
            return fail(AuthenticationError.CERTIFICATE_UNTRUSTED,
                    who + ": a CA certificate, not a client certificate");
        }
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages == null || !usages.contains(CLIENT_AUTH)) {
                return fail(AuthenticationError.CERTIFICATE_UNTRUSTED, who + ": not issued for client authentication");
            }
        } catch (CertificateParsingException e) {
            return fail(AuthenticationError.CERTIFICATE_UNTRUSTED, who + ": unreadable extended key usage");
        }
        return Optional.empty();
    }

    private static AuthenticationError classify(CertPathValidatorException e) {
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return AuthenticationError.CERTIFICATE_EXPIRED;
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return AuthenticationError.CERTIFICATE_NOT_YET_VALID;
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
            return AuthenticationError.CERTIFICATE_REVOKED;
        }
        if (reason == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return AuthenticationError.REVOCATION_UNKNOWN;
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return AuthenticationError.CERTIFICATE_UNTRUSTED;
        }
        return AuthenticationError.CERTIFICATE_UNTRUSTED;
    }

    private static Optional<AuthenticationFailure> fail(AuthenticationError error, String detail) {
        return Optional.of(new AuthenticationFailure(error, Text.printable(detail)));
    }

    private static boolean signedByOneOf(X509CRL crl, Collection<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            try {
                if (crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                    crl.verify(ca.getPublicKey());
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // not this CA
            }
        }
        return false;
    }

    static X509Certificate readCertificate(Path file) {
        Object object = readPem(file);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new ConfigException(file.toString(), 0, "does not hold a PEM CERTIFICATE");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file.toString(), 0, "not a valid certificate: " + e.getMessage());
        }
    }

    static X509CRL readCrl(Path file) {
        Object object = readPem(file);
        if (!(object instanceof X509CRLHolder holder)) {
            throw new ConfigException(file.toString(), 0, "does not hold a PEM X509 CRL");
        }
        try {
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file.toString(), 0, "not a valid CRL: " + e.getMessage());
        }
    }

    static Object readPem(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file.toString(), 0, "does not exist");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser pem = new PEMParser(reader)) {
            return pem.readObject();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file.toString(), 0, "cannot be read as PEM: " + e.getMessage());
        }
    }
}

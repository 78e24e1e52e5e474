package org.disclosureguard.identity;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.disclosureguard.config.ConfigException;

/**
 * The practice's partner certificate authority: a small, file-based CA that issues the client certificates
 * outside requesters use for mutual TLS, revokes them, and publishes a certificate revocation list. Keys are EC
 * P-256 and signatures SHA256withECDSA, made with Bouncy Castle (which is not registered as a global provider).
 *
 * <p>Directory layout: {@value PartnerCaTrust#CA_CERTIFICATE_FILE} (the CA certificate), {@value #CA_KEY_FILE}
 * (its private key, owner-only), {@value PartnerCaTrust#CRL_FILE} (the current CRL), {@value #INDEX_FILE} (every
 * certificate issued, tab-separated), {@value #CRL_NUMBER_FILE}, {@code requesters/<id>/} (each requester's
 * {@code cert.pem}, {@code key.pem}, {@code client.p12}, {@code client.p12.password}) and {@code server/} (a TLS
 * server certificate for the guard). Files are replaced atomically.
 *
 * <p>Not thread-safe, and not safe for two processes at once: it is driven by one command at a time. Time and
 * randomness are injected.
 */
public final class PartnerCa {

    public static final String CA_KEY_FILE = "ca-key.pem";
    public static final String INDEX_FILE = "index.tsv";
    public static final String CRL_NUMBER_FILE = "crl-number";
    public static final String REQUESTERS_DIRECTORY = "requesters";
    public static final String SERVER_DIRECTORY = "server";

    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration DEFAULT_CERTIFICATE_VALIDITY = Duration.ofDays(365);
    public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofDays(30);
    /** Certificates and CRLs start this long before they are made, so that slightly slow clocks accept them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final Duration MAX_VALIDITY = Duration.ofDays(3650 * 3);
    private static final int MAX_ORGANISATION = 64;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:-]{1,253}");
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Provider BC = new BouncyCastleProvider();

    private final Path directory;
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;
    private final SecureRandom random;

    private PartnerCa(Path directory, X509Certificate certificate, PrivateKey key, Clock clock, SecureRandom random) {
        this.directory = directory;
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
        this.random = random;
    }

    /** Whether the directory holds a partner CA (its certificate or key). */
    public static boolean exists(Path directory) {
        return Files.exists(directory.resolve(PartnerCaTrust.CA_CERTIFICATE_FILE))
                || Files.exists(directory.resolve(CA_KEY_FILE));
    }

    /**
     * Creates a new CA in {@code directory} (created if missing) and publishes an empty CRL.
     *
     * @param name the CA's common name, for example "Riverside Surgery partner CA"
     * @throws PartnerCaException {@value PartnerCaException#ALREADY_EXISTS} if the directory holds a CA already
     */
    public static PartnerCa create(Path directory, String name, Duration validity, Clock clock, SecureRandom random) {
        if (exists(directory)) {
            throw new PartnerCaException(PartnerCaException.ALREADY_EXISTS, directory
                    + " already holds a partner CA; use another directory, or the existing CA");
        }
        checkText("CA name", name, MAX_ORGANISATION);
        checkValidity(validity);
        KeyPair pair = generateKeyPair(random);
        Instant now = clock.instant();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, newSerial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate ca = toCertificate(builder.build(signer(pair.getPrivate())));
            Files.createDirectories(directory);
            writeSecret(directory.resolve(CA_KEY_FILE), pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()));
            writeAtomically(directory.resolve(PartnerCaTrust.CA_CERTIFICATE_FILE), pem(ca));
            writeAtomically(directory.resolve(INDEX_FILE), "");
            PartnerCa created = new PartnerCa(directory, ca, pair.getPrivate(), clock, random);
            created.appendIndex(new IndexEntry(ca.getSerialNumber(), false, ca.getNotAfter().toInstant(), null,
                    "ca", ca.getSubjectX500Principal().getName()));
            created.publishCrl(DEFAULT_CRL_VALIDITY);
            return created;
        } catch (GeneralSecurityException | IOException e) {
            throw new PartnerCaException(PartnerCaException.IO, "cannot create the CA in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing CA.
     *
     * @throws PartnerCaException {@value PartnerCaException#NOT_FOUND} if the directory holds no CA
     */
    public static PartnerCa open(Path directory, Clock clock, SecureRandom random) {
        if (!Files.isRegularFile(directory.resolve(PartnerCaTrust.CA_CERTIFICATE_FILE))
                || !Files.isRegularFile(directory.resolve(CA_KEY_FILE))) {
            throw new PartnerCaException(PartnerCaException.NOT_FOUND, directory
                    + " holds no partner CA; create one with 'ca init --dir " + directory + "'");
        }
        try {
            X509Certificate ca = PartnerCaTrust.readCertificate(directory.resolve(PartnerCaTrust.CA_CERTIFICATE_FILE));
            Object keyObject = PartnerCaTrust.readPem(directory.resolve(CA_KEY_FILE));
            if (!(keyObject instanceof PrivateKeyInfo info)) {
                throw new PartnerCaException(PartnerCaException.IO, directory.resolve(CA_KEY_FILE)
                        + " does not hold a PKCS#8 PRIVATE KEY");
            }
            PrivateKey key = new JcaPEMKeyConverter().setProvider(BC).getPrivateKey(info);
            return new PartnerCa(directory, ca, key, clock, random);
        } catch (ConfigException | IOException e) {
            throw new PartnerCaException(PartnerCaException.IO, "cannot open the CA: " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return directory;
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The trust the guard should place in this CA: its certificate and current CRL, without the key. */
    public PartnerCaTrust trust() {
        return PartnerCaTrust.load(directory);
    }

    /** Where a requester's files are kept. */
    public Path requesterDirectory(String id) {
        return directory.resolve(REQUESTERS_DIRECTORY).resolve(id);
    }

    /**
     * Issues a client certificate for a requester: a new EC P-256 key, subject {@code CN=id, OU=class,
     * O=organisation}, extended key usage {@code clientAuth}, valid for {@code validity}. Writes {@code cert.pem},
     * {@code key.pem}, {@code client.p12} and {@code client.p12.password} under {@code requesters/<id>/}.
     *
     * @param renew allow replacing the files of an id issued before (the earlier certificate stays valid until
     *     it is revoked or expires)
     * @throws PartnerCaException {@value PartnerCaException#ALREADY_ISSUED} if the id has files and {@code renew}
     *     is false; {@value PartnerCaException#INVALID_INPUT} for a bad id, organisation or validity
     */
    public IssuedCertificate issueClient(String id, String organisation, RequesterClass requesterClass,
            Duration validity, boolean renew) {
        if (id == null || !RequesterRegistry.ID.matcher(id).matches()) {
            throw new PartnerCaException(PartnerCaException.INVALID_INPUT, "the requester id '" + id
                    + "' must be lower-case letters, digits and hyphens (at most 63)");
        }
        checkText("organisation", organisation, MAX_ORGANISATION);
        checkValidity(validity);
        Path target = requesterDirectory(id);
        if (Files.exists(target.resolve("cert.pem")) && !renew) {
            throw new PartnerCaException(PartnerCaException.ALREADY_ISSUED, "a certificate for '" + id
                    + "' was issued already (" + target + "); use --renew to issue a new one");
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, organisation)
                .addRDN(BCStyle.OU, requesterClass.code())
                .addRDN(BCStyle.CN, id)
                .build();
        return issue(target, "client", subject, validity, KeyPurposeId.id_kp_clientAuth, List.of());
    }

    /**
     * Issues a TLS server certificate for the guard ({@code serverAuth}, the host names and addresses as subject
     * alternative names), written under {@code server/}. The guard's TLS listener can use it so that requesters
     * verify the guard with {@code curl --cacert ca.pem}.
     */
    public IssuedCertificate issueServer(List<String> hosts, Duration validity) {
        if (hosts.isEmpty()) {
            throw new PartnerCaException(PartnerCaException.INVALID_INPUT, "a server certificate needs a host name");
        }
        for (String host : hosts) {
            if (!HOST.matcher(host).matches()) {
                throw new PartnerCaException(PartnerCaException.INVALID_INPUT, "'" + host
                        + "' is not a host name or IP address");
            }
        }
        checkValidity(validity);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hosts.get(0)).build();
        return issue(directory.resolve(SERVER_DIRECTORY), "server", subject, validity,
                KeyPurposeId.id_kp_serverAuth, hosts);
    }

    private IssuedCertificate issue(Path target, String kind, X500Name subject, Duration validity,
            KeyPurposeId purpose, List<String> hosts) {
        KeyPair pair = generateKeyPair(random);
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, newSerial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            if (!hosts.isEmpty()) {
                List<ASN1Encodable> names = new ArrayList<>();
                for (String host : hosts) {
                    names.add(isAddress(host)
                            ? new GeneralName(GeneralName.iPAddress, host)
                            : new GeneralName(GeneralName.dNSName, host));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new DERSequence(names.toArray(new ASN1Encodable[0])));
            }
            X509Certificate issued = toCertificate(builder.build(signer(key)));
            Files.createDirectories(target);
            Path certFile = target.resolve("cert.pem");
            Path keyFile = target.resolve("key.pem");
            Path p12File = target.resolve(kind + ".p12");
            Path passwordFile = target.resolve(kind + ".p12.password");
            String password = newPassword();
            writeSecret(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()));
            writeAtomically(certFile, pem(issued));
            writeSecret(passwordFile, password + "\n");
            writePkcs12(p12File, kind, pair.getPrivate(), issued, password);
            appendIndex(new IndexEntry(issued.getSerialNumber(), false, issued.getNotAfter().toInstant(), null, kind,
                    issued.getSubjectX500Principal().getName()));
            return new IssuedCertificate(issued, certFile, keyFile, p12File, passwordFile);
        } catch (GeneralSecurityException | IOException e) {
            throw new PartnerCaException(PartnerCaException.IO, "cannot issue the certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Revokes a certificate this CA issued and publishes a new CRL. Revoking a revoked certificate again changes
     * nothing but the CRL's dates.
     *
     * @throws PartnerCaException {@value PartnerCaException#UNKNOWN_SERIAL} if this CA never issued the serial
     */
    public X509CRL revoke(BigInteger serial) {
        List<IndexEntry> entries = index();
        List<IndexEntry> updated = new ArrayList<>();
        boolean found = false;
        // Backdated like every other date the CA writes, so that a guard whose clock is slightly behind the CA's
        // treats the certificate as revoked at once.
        Instant now = clock.instant().minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        for (IndexEntry entry : entries) {
            if (entry.serial().equals(serial) && !"ca".equals(entry.kind())) {
                found = true;
                updated.add(entry.revoked() ? entry : entry.revokedAt(now));
            } else {
                updated.add(entry);
            }
        }
        if (!found) {
            throw new PartnerCaException(PartnerCaException.UNKNOWN_SERIAL, "serial " + serial.toString(16)
                    + " was not issued to a requester by this CA (see " + directory.resolve(INDEX_FILE) + ")");
        }
        writeIndex(updated);
        return publishCrl(DEFAULT_CRL_VALIDITY);
    }

    /** Publishes a new CRL listing every revoked certificate, valid from now for {@code validity}. */
    public X509CRL publishCrl(Duration validity) {
        checkValidity(validity);
        Instant now = clock.instant();
        try {
            BigInteger number = nextCrlNumber();
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                    Date.from(now.minus(BACKDATE)));
            builder.setNextUpdate(Date.from(now.plus(validity)));
            for (IndexEntry entry : index()) {
                if (entry.revoked()) {
                    builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), null);
                }
            }
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(certificate));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            X509CRLHolder holder = builder.build(signer(key));
            X509CRL crl = new JcaX509CRLConverter().getCRL(holder);
            writeAtomically(directory.resolve(PartnerCaTrust.CRL_FILE), pem(crl));
            writeAtomically(directory.resolve(CRL_NUMBER_FILE), number + "\n");
            return crl;
        } catch (GeneralSecurityException | IOException e) {
            throw new PartnerCaException(PartnerCaException.IO, "cannot publish the CRL: " + e.getMessage(), e);
        }
    }

    /** Every certificate this CA issued, the CA's own first, in issuing order. */
    public List<IndexEntry> index() {
        Path file = directory.resolve(INDEX_FILE);
        try {
            List<IndexEntry> entries = new ArrayList<>();
            if (!Files.exists(file)) {
                return entries;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    entries.add(IndexEntry.parse(line));
                }
            }
            return entries;
        } catch (IOException | RuntimeException e) {
            throw new PartnerCaException(PartnerCaException.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a serial number as {@code ca issue} prints it: hex, optionally with colons or a {@code 0x} prefix. */
    public static BigInteger parseSerial(String text) {
        String hex = text.trim().toLowerCase(Locale.ROOT).replace(":", "");
        if (hex.startsWith("0x")) {
            hex = hex.substring(2);
        }
        if (hex.isEmpty() || hex.length() > 40 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new PartnerCaException(PartnerCaException.INVALID_INPUT, "'" + text
                    + "' is not a serial number (hex digits, as 'ca issue' prints it)");
        }
        return new BigInteger(hex, 16);
    }

    private void appendIndex(IndexEntry entry) {
        List<IndexEntry> entries = index();
        entries.add(entry);
        writeIndex(entries);
    }

    private void writeIndex(List<IndexEntry> entries) {
        StringBuilder out = new StringBuilder();
        for (IndexEntry entry : entries) {
            out.append(entry.format()).append('\n');
        }
        try {
            writeAtomically(directory.resolve(INDEX_FILE), out.toString());
        } catch (IOException e) {
            throw new PartnerCaException(PartnerCaException.IO, "cannot write the index: " + e.getMessage(), e);
        }
    }

    private BigInteger nextCrlNumber() throws IOException {
        Path file = directory.resolve(CRL_NUMBER_FILE);
        if (!Files.exists(file)) {
            return BigInteger.ONE;
        }
        try {
            return new BigInteger(Files.readString(file, StandardCharsets.US_ASCII).trim()).add(BigInteger.ONE);
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a number");
        }
    }

    private void writePkcs12(Path file, String alias, PrivateKey privateKey, X509Certificate leaf,
            String password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(alias, privateKey, password.toCharArray(), new X509Certificate[] {leaf, certificate});
        Path temporary = Files.createTempFile(file.getParent(), ".tmp-", ".p12");
        restrict(temporary);
        try (OutputStream out = Files.newOutputStream(temporary)) {
            store.store(out, password.toCharArray());
        }
        move(temporary, file);
    }

    private String newPassword() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair generateKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 key generation is not available", e);
        }
    }

    private static BigInteger newSerial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(127, random);
        } while (serial.signum() == 0);
        return serial;
    }

    private static ContentSigner signer(PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaContentSignerBuilder(SIGNATURE).setProvider(BC).build(key);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static X509Certificate toCertificate(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static boolean isAddress(String host) {
        if (host.contains(":")) {
            return true;
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void checkText(String what, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new PartnerCaException(PartnerCaException.INVALID_INPUT, "the " + what + " must be 1 to " + max
                    + " characters without control characters");
        }
    }

    private static void checkValidity(Duration validity) {
        if (validity == null || validity.compareTo(Duration.ofMinutes(10)) < 0
                || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new PartnerCaException(PartnerCaException.INVALID_INPUT, "a validity must be between 10 minutes and "
                    + MAX_VALIDITY.toDays() + " days");
        }
    }

    private static void writeSecret(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), ".tmp-", ".secret");
        restrict(temporary);
        Files.writeString(temporary, content, StandardCharsets.US_ASCII);
        move(temporary, file);
    }

    /** Writes a file others may read (certificates, the CRL, the index). */
    private static void writeAtomically(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), ".tmp-", ".part");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        move(temporary, file);
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own protection applies
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * One line of {@value #INDEX_FILE}: a certificate this CA issued.
     *
     * @param serial the serial number
     * @param revoked whether it has been revoked
     * @param notAfter the end of its validity
     * @param revokedAt when it was revoked, or {@code null}
     * @param kind {@code ca}, {@code client} or {@code server}
     * @param subject the subject DN (RFC 2253)
     */
    public record IndexEntry(BigInteger serial, boolean revoked, Instant notAfter, Instant revokedAt, String kind,
            String subject) {

        IndexEntry revokedAt(Instant when) {
            return new IndexEntry(serial, true, notAfter, when, kind, subject);
        }

        String format() {
            return String.join("\t", serial.toString(16), revoked ? "R" : "V", notAfter.toString(),
                    revokedAt == null ? "-" : revokedAt.toString(), kind, subject);
        }

        static IndexEntry parse(String line) {
            String[] f = line.split("\t", 6);
            if (f.length != 6) {
                throw new IllegalArgumentException("a line with " + f.length + " fields instead of 6");
            }
            return new IndexEntry(new BigInteger(f[0], 16), "R".equals(f[1]), Instant.parse(f[2]),
                    "-".equals(f[3]) ? null : Instant.parse(f[3]), f[4], f[5]);
        }
    }
}

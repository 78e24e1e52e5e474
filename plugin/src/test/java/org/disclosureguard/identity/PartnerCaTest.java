package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.disclosureguard.identity.IdentityFixture.FIXED;
import static org.disclosureguard.identity.IdentityFixture.NOW;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartnerCaTest {

    @TempDir
    Path directory;

    private PartnerCa create() {
        return PartnerCa.create(directory, "Riverside Surgery partner CA", Duration.ofDays(3650), FIXED,
                TestKeys.RANDOM);
    }

    @Test
    void init_createsASelfSignedP256CaCertificateWithCaConstraintsAndAnEmptyCrl() throws Exception {
        PartnerCa ca = create();

        X509Certificate cert = ca.certificate();
        assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=Riverside Surgery partner CA"));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        cert.verify(cert.getPublicKey());
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getBasicConstraints()).isEqualTo(0);
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        boolean[] usage = cert.getKeyUsage();
        assertThat(usage[5]).as("keyCertSign").isTrue();
        assertThat(usage[6]).as("cRLSign").isTrue();
        assertThat(usage[0]).as("digitalSignature").isFalse();
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(cert.getNotBefore().toInstant()).isBefore(NOW);

        X509CRL crl = PartnerCaTrust.load(directory).crls().get(0);
        crl.verify(cert.getPublicKey());
        assertThat(crl.getRevokedCertificates()).isNull();
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plus(PartnerCa.DEFAULT_CRL_VALIDITY));
        assertThat(Files.getPosixFilePermissions(directory.resolve(PartnerCa.CA_KEY_FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(directory.resolve(PartnerCaTrust.CA_CERTIFICATE_FILE)))
                .contains(PosixFilePermission.OTHERS_READ);
    }

    @Test
    void issue_makesAClientCertificateNamingOrganisationClassAndId_signedByTheCa() throws Exception {
        PartnerCa ca = create();

        IssuedCertificate issued = ca.issueClient("met-police", "Metropolitan Police Service", RequesterClass.POLICE,
                Duration.ofDays(90), false);

        X509Certificate cert = issued.certificate();
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName())
                .isEqualTo("CN=met-police,OU=police,O=Metropolitan Police Service");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly(PartnerCaTrust.CLIENT_AUTH);
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
        assertThat(issued.certificateFile()).isEqualTo(directory.resolve("requesters/met-police/cert.pem"));
        assertThat(issued.keyFile()).exists();
        assertThat(Files.readString(issued.keyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(issued.keyFile()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(ca.index()).extracting(PartnerCa.IndexEntry::serial)
                .contains(cert.getSerialNumber());
    }

    @Test
    void pkcs12_holdsTheKeyAndChain_andOpensWithThePasswordFile() throws Exception {
        PartnerCa ca = create();
        IssuedCertificate issued = ca.issueClient("ukhsa", "UK Health Security Agency", RequesterClass.PUBLIC_HEALTH,
                Duration.ofDays(30), false);
        char[] password = Files.readString(issued.pkcs12PasswordFile()).trim().toCharArray();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(issued.pkcs12File())) {
            store.load(in, password);
        }

        assertThat(store.getCertificate("client")).isEqualTo(issued.certificate());
        assertThat(store.getCertificateChain("client")).hasSize(2);
        assertThat(store.getKey("client", password)).isNotNull();
        assertThat(store.getCertificate("client").getPublicKey()).isEqualTo(issued.certificate().getPublicKey());
    }

    @Test
    void revoke_listsTheSerialInANewCrl_withAHigherCrlNumber() throws Exception {
        PartnerCa ca = create();
        IssuedCertificate issued = ca.issueClient("a", "A", RequesterClass.TAX, Duration.ofDays(30), false);
        X509CRL before = PartnerCaTrust.load(directory).crls().get(0);

        X509CRL after = ca.revoke(issued.certificate().getSerialNumber());

        assertThat(after.getRevokedCertificate(issued.certificate().getSerialNumber())).isNotNull();
        assertThat(crlNumber(after)).isGreaterThan(crlNumber(before));
        assertThat(PartnerCaTrust.load(directory).crls().get(0).getRevokedCertificate(
                issued.certificate().getSerialNumber())).isNotNull();
        assertThat(ca.index()).filteredOn(e -> e.serial().equals(issued.certificate().getSerialNumber()))
                .singleElement().satisfies(e -> assertThat(e.revoked()).isTrue());
    }

    @Test
    void revokingAnUnknownSerialOrTheCaItself_isRefused() {
        PartnerCa ca = create();

        assertThatThrownBy(() -> ca.revoke(BigInteger.valueOf(12345)))
                .isInstanceOf(PartnerCaException.class)
                .satisfies(e -> assertThat(((PartnerCaException) e).code()).isEqualTo("DG-9303"));
        assertThatThrownBy(() -> ca.revoke(ca.certificate().getSerialNumber()))
                .isInstanceOf(PartnerCaException.class)
                .hasMessageStartingWith("DG-9303");
    }

    @Test
    void open_loadsTheSameCaBack_andCanIssueWithIt() throws Exception {
        PartnerCa created = create();

        PartnerCa opened = PartnerCa.open(directory, FIXED, TestKeys.RANDOM);
        IssuedCertificate issued = opened.issueClient("b", "B", RequesterClass.BENEFITS, Duration.ofDays(30), false);

        assertThat(opened.certificate()).isEqualTo(created.certificate());
        issued.certificate().verify(created.certificate().getPublicKey());
        assertThat(opened.trust().caCertificates()).containsExactly(created.certificate());
    }

    @Test
    void initTwice_isRefused_andOpeningAnEmptyDirectory_isRefused(@TempDir Path empty) {
        create();

        assertThatThrownBy(this::create).isInstanceOf(PartnerCaException.class).hasMessageStartingWith("DG-9301");
        assertThatThrownBy(() -> PartnerCa.open(empty, FIXED, TestKeys.RANDOM))
                .isInstanceOf(PartnerCaException.class).hasMessageStartingWith("DG-9302");
    }

    @Test
    void issuingTheSameIdTwice_needsRenew() {
        PartnerCa ca = create();
        IssuedCertificate first = ca.issueClient("a", "A", RequesterClass.TAX, Duration.ofDays(30), false);

        assertThatThrownBy(() -> ca.issueClient("a", "A", RequesterClass.TAX, Duration.ofDays(30), false))
                .isInstanceOf(PartnerCaException.class).hasMessageStartingWith("DG-9304");
        IssuedCertificate renewed = ca.issueClient("a", "A", RequesterClass.TAX, Duration.ofDays(30), true);

        assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
    }

    @Test
    void badIdOrganisationOrValidity_isRefused() {
        PartnerCa ca = create();

        assertThatThrownBy(() -> ca.issueClient("../etc", "A", RequesterClass.TAX, Duration.ofDays(1), false))
                .hasMessageStartingWith("DG-9305");
        assertThatThrownBy(() -> ca.issueClient("a", "A\nB", RequesterClass.TAX, Duration.ofDays(1), false))
                .hasMessageStartingWith("DG-9305");
        assertThatThrownBy(() -> ca.issueClient("a", "A", RequesterClass.TAX, Duration.ofDays(0), false))
                .hasMessageStartingWith("DG-9305");
    }

    @Test
    void serverCertificate_namesItsHostsAndIsForServerAuthentication() throws Exception {
        PartnerCa ca = create();

        IssuedCertificate server = ca.issueServer(List.of("localhost", "127.0.0.1", "::1"), Duration.ofDays(30));

        Collection<List<?>> names = server.certificate().getSubjectAlternativeNames();
        assertThat(names).extracting(n -> (Object) n.get(1)).contains("localhost", "127.0.0.1");
        assertThat(server.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void serialNumbers_areReadAsHexWithOrWithoutColonsOrPrefix() {
        assertThat(PartnerCa.parseSerial("0a:1B")).isEqualTo(BigInteger.valueOf(0x0a1b));
        assertThat(PartnerCa.parseSerial("0x0A1B")).isEqualTo(BigInteger.valueOf(0x0a1b));
        assertThatThrownBy(() -> PartnerCa.parseSerial("xyz")).hasMessageStartingWith("DG-9305");
    }

    private static BigInteger crlNumber(X509CRL crl) {
        byte[] value = crl.getExtensionValue("2.5.29.20");
        return org.bouncycastle.asn1.ASN1Integer.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets()).getValue();
    }
}

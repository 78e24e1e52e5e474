package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.disclosureguard.identity.IdentityFixture.FIXED;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path directory;

    private IssuedCertificate server() {
        PartnerCa ca = PartnerCa.create(directory, "Test partner CA", Duration.ofDays(365), FIXED, TestKeys.RANDOM);
        return ca.issueServer(List.of("localhost", "127.0.0.1"), Duration.ofDays(30));
    }

    @Test
    void serverKeyStore_holdsTheKeyThatMatchesTheCertificate() throws Exception {
        IssuedCertificate server = server();

        KeyStore store = TlsMaterial.serverKeyStore(server.certificateFile(), server.keyFile(), PASSWORD);

        PrivateKey key = (PrivateKey) store.getKey(TlsMaterial.SERVER_ALIAS, PASSWORD);
        X509Certificate certificate = (X509Certificate) store.getCertificate(TlsMaterial.SERVER_ALIAS);
        assertThat(certificate).isEqualTo(server.certificate());
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void trustStore_holdsEachCaCertificate() throws Exception {
        PartnerCa ca = PartnerCa.create(directory, "Test partner CA", Duration.ofDays(365), FIXED, TestKeys.RANDOM);

        KeyStore store = TlsMaterial.trustStore(List.of(ca.certificate()));

        assertThat(store.size()).isEqualTo(1);
        assertThat(store.getCertificate("ca-0")).isEqualTo(ca.certificate());
    }

    @Test
    void missingFiles_areNamedInTheError() {
        Path missing = directory.resolve("server/nothing.pem");

        assertThatThrownBy(() -> TlsMaterial.serverKeyStore(missing, missing, PASSWORD))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nothing.pem")
                .hasMessageContaining("does not exist");
    }

    @Test
    void aKeyFileHoldingACertificate_isRefusedWithTheFileNamed() {
        IssuedCertificate server = server();

        assertThatThrownBy(() -> TlsMaterial.serverKeyStore(server.certificateFile(), server.certificateFile(),
                PASSWORD))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(server.certificateFile().toString())
                .hasMessageContaining("PRIVATE KEY");
    }

    @Test
    void aCertificateFileWithoutCertificates_isRefused() throws Exception {
        Path empty = Files.writeString(directory.resolve("empty.pem"), "not a certificate\n");
        IssuedCertificate server = server();

        assertThatThrownBy(() -> TlsMaterial.serverKeyStore(empty, server.keyFile(), PASSWORD))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("empty.pem");
    }
}

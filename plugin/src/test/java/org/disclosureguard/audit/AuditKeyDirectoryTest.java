package org.disclosureguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditKeyDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void generate_writesAnOwnerOnlyPkcs8KeyAPublicKeyAndTheCurrentId() throws Exception {
        AuditSigningKey key = AuditKeyDirectory.generate(dir, new SecureRandom());
        Path privateKey = AuditKeyDirectory.privateKeyFile(dir, key.keyId());
        assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(AuditKeyDirectory.publicKeyFile(dir, key.keyId())))
                .startsWith("-----BEGIN PUBLIC KEY-----");
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey))).isEqualTo("rw-------");
        }
        assertThat(AuditKeyDirectory.currentKeyId(dir)).isEqualTo(key.keyId());
        assertThat(key.keyId()).isEqualTo(ChainHash.sha256Hex(key.publicKey().raw()).substring(0, 16));

        AuditSigningKey loaded = AuditKeyDirectory.signingKey(dir);
        assertThat(loaded.keyId()).isEqualTo(key.keyId());
        Checkpoint cp = Checkpoint.sign(3, "ab".repeat(32), Instant.EPOCH, loaded);
        assertThat(cp.verifiedBy(AuditKeyDirectory.publicKeys(dir).get(key.keyId()))).isTrue();
    }

    @Test
    void generate_refusesToReplaceACurrentKey() {
        AuditKeyDirectory.generate(dir, new SecureRandom());
        assertThatThrownBy(() -> AuditKeyDirectory.generate(dir, new SecureRandom()))
                .isInstanceOf(AuditKeyException.class)
                .hasMessageStartingWith("DG-4101")
                .hasMessageContaining("rotate");
    }

    @Test
    void rotate_makesANewCurrentKey_deletesTheOldPrivateKey_keepsBothPublicKeys() {
        AuditSigningKey first = AuditKeyDirectory.generate(dir, new SecureRandom());
        Checkpoint old = Checkpoint.sign(1, "cd".repeat(32), Instant.EPOCH, first);
        AuditSigningKey second = AuditKeyDirectory.rotate(dir, new SecureRandom());
        assertThat(second.keyId()).isNotEqualTo(first.keyId());
        assertThat(AuditKeyDirectory.currentKeyId(dir)).isEqualTo(second.keyId());
        assertThat(AuditKeyDirectory.signingKey(dir).keyId()).isEqualTo(second.keyId());
        assertThat(AuditKeyDirectory.privateKeyFile(dir, first.keyId())).doesNotExist();
        assertThat(AuditKeyDirectory.publicKeys(dir)).containsOnlyKeys(first.keyId(), second.keyId());
        assertThat(old.verifiedBy(AuditKeyDirectory.publicKeys(dir).get(first.keyId()))).isTrue();
    }

    @Test
    void forStartup_onAFirstStart_createsTheFirstKey_andAfterwardsKeepsIt() {
        AuditSigningKey first = AuditKeyDirectory.forStartup(dir, java.util.Optional.empty(), new SecureRandom());
        Checkpoint signed = Checkpoint.sign(9, "ef".repeat(32), Instant.EPOCH, first);

        AuditSigningKey again = AuditKeyDirectory.forStartup(dir, java.util.Optional.of(signed), new SecureRandom());

        assertThat(again.keyId()).isEqualTo(first.keyId());
    }

    @Test
    void forStartup_whenTheKeyIsGoneButTheLogHasSignedCheckpoints_refusesInsteadOfMakingANewKey() throws Exception {
        AuditSigningKey lost = AuditKeyDirectory.generate(dir, new SecureRandom());
        Checkpoint signed = Checkpoint.sign(41, "ef".repeat(32), Instant.EPOCH, lost);
        Files.delete(dir.resolve(AuditKeyDirectory.CURRENT));
        Files.delete(AuditKeyDirectory.privateKeyFile(dir, lost.keyId()));

        assertThatThrownBy(() -> AuditKeyDirectory.forStartup(dir, java.util.Optional.of(signed), new SecureRandom()))
                .isInstanceOf(AuditKeyException.class)
                .hasMessageStartingWith("DG-4101")
                .hasMessageContaining("seq 41").hasMessageContaining(lost.keyId())
                .hasMessageContaining("audit keys generate");
        assertThat(dir.resolve(AuditKeyDirectory.CURRENT)).doesNotExist();
    }

    @Test
    void forStartup_whenTheCurrentPrivateKeyIsGone_refusesToStart() throws Exception {
        AuditSigningKey key = AuditKeyDirectory.generate(dir, new SecureRandom());
        Files.delete(AuditKeyDirectory.privateKeyFile(dir, key.keyId()));

        assertThatThrownBy(() -> AuditKeyDirectory.forStartup(dir, java.util.Optional.empty(), new SecureRandom()))
                .isInstanceOf(AuditKeyException.class)
                .hasMessageContaining(AuditKeyDirectory.privateKeyFile(dir, key.keyId()).toString());
    }

    @Test
    void rotate_withoutAKey_saysToGenerate() {
        assertThatThrownBy(() -> AuditKeyDirectory.rotate(dir, new SecureRandom()))
                .isInstanceOf(AuditKeyException.class)
                .hasMessageContaining("audit keys generate");
    }

    @Test
    void publicKeys_idsComeFromTheKeyBytesNotTheFileName() throws Exception {
        AuditSigningKey key = AuditKeyDirectory.generate(dir, new SecureRandom());
        Files.move(AuditKeyDirectory.publicKeyFile(dir, key.keyId()), dir.resolve("renamed.pub.pem"));
        assertThat(AuditKeyDirectory.publicKeys(dir)).containsOnlyKeys(key.keyId());
    }

    @Test
    void publicKeys_refusesAnEmptyDirectoryAndGarbage() throws Exception {
        assertThatThrownBy(() -> AuditKeyDirectory.publicKeys(dir)).hasMessageContaining("no audit public keys");
        Files.writeString(dir.resolve("junk.pub.pem"), "not a key");
        assertThatThrownBy(() -> AuditKeyDirectory.publicKeys(dir))
                .isInstanceOf(AuditKeyException.class)
                .hasMessageContaining("junk.pub.pem");
    }
}

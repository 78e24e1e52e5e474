package org.disclosureguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisclosureGuardApplicationTest {

    @Test
    void serverSettings_nameNoCommand_soTheServerStarts() {
        assertThat(DisclosureGuardApplication.runCommand(new String[0])).isNull();
        assertThat(DisclosureGuardApplication.runCommand(
                new String[] {"--guard.upstream.base-url=http://127.0.0.1:8090/fhir"})).isNull();
    }

    @Test
    void policyCommand_checksTheDefaultPolicy() throws Exception {
        Path policy = Path.of("src/main/resources/org/disclosureguard/policy/default-policy.yaml");

        assertThat(DisclosureGuardApplication.runCommand(new String[] {"policy", "check", policy.toString()}))
                .isZero();
    }

    @Test
    void policyCommand_failsOnAnInvalidPolicy(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "version: 1\nrules: [\n");

        assertThat(DisclosureGuardApplication.runCommand(new String[] {"policy", "check", bad.toString()}))
                .isNotZero();
    }

    @Test
    void caCommand_createsThePartnerCa(@TempDir Path dir) {
        assertThat(DisclosureGuardApplication.runCommand(new String[] {"ca", "init", "--dir", dir.toString()}))
                .isZero();
        assertThat(dir.resolve("ca.pem")).exists();
    }

    @Test
    void auditCommand_generatesTheCheckpointKey(@TempDir Path dir) {
        assertThat(DisclosureGuardApplication.runCommand(new String[] {"audit", "keys", "generate", "--dir",
                dir.toString()})).isZero();
        assertThat(dir.resolve("current")).exists();
    }

    @Test
    void staffCommand_hashesAPasswordFromStandardInput() {
        java.io.InputStream stdin = System.in;
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            System.setIn(new java.io.ByteArrayInputStream("a long enough password\n".getBytes()));
            System.setOut(new java.io.PrintStream(out, true));
            assertThat(DisclosureGuardApplication.runCommand(new String[] {"staff", "hash-password"})).isZero();
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }
        String hash = out.toString().lines().filter(line -> line.startsWith("$2")).findFirst().orElse("");
        assertThat(hash).startsWith("$2y$12$");
        assertThat(org.disclosureguard.staff.StaffAccounts.parse("staff.yaml", "version: 1\nstaff:\n  - id: cg\n"
                + "    name: CG\n    roles: [caldicott-guardian]\n    passwordHash: '" + hash + "'\n")
                .authenticate("cg", "a long enough password".toCharArray())).isPresent();
    }
}

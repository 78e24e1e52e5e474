package org.disclosureguard.audit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditKeyDirectory;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.Checkpointer;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.database.GuardDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuditCommandTest {

    @TempDir
    Path keys;
    String url;
    DataSource dataSource;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void database() throws Exception {
        Path dir = Path.of("target", "audit-cli");
        Files.createDirectories(dir);
        url = "jdbc:h2:" + dir.resolve(UUID.randomUUID().toString()).toAbsolutePath() + ";DB_CLOSE_DELAY=0";
        dataSource = GuardDatabase.simpleDataSource(url, "sa", "");
        GuardDatabase.migrate(dataSource);
    }

    @Test
    void keysGenerate_thenRotate_printTheFiles() {
        assertThat(run("keys", "generate", "--dir", keys.toString())).isZero();
        String first = AuditKeyDirectory.currentKeyId(keys);
        assertThat(out.toString()).contains("Created audit signing key " + first).contains(".key.pem");
        assertThat(run("keys", "generate", "--dir", keys.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("DG-4101").contains("rotate");
        assertThat(run("keys", "rotate", "--dir", keys.toString())).isZero();
        assertThat(out.toString()).contains("replaces " + first);
        assertThat(AuditKeyDirectory.publicKeys(keys)).hasSize(2);
    }

    @Test
    void verify_exitsZeroForAnIntactChain_andOneWithTheReportWhenTampered() throws Exception {
        run("keys", "generate", "--dir", keys.toString());
        JdbcAuditStore store = new JdbcAuditStore(dataSource);
        for (int i = 0; i < 5; i++) {
            store.append(entry(i));
        }
        new Checkpointer(dataSource, AuditKeyDirectory.signingKey(keys), Clock.systemUTC()).checkpointIfMoved();
        out.getBuffer().setLength(0);

        assertThat(run("verify", "--jdbc-url", url, "--user", "sa", "--keys", keys.toString())).isZero();
        assertThat(out.toString()).startsWith("OK: 5 entries and 1 checkpoint checked");

        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM audit_entry WHERE seq = 3");
        }
        out.getBuffer().setLength(0);
        assertThat(run("verify", "--jdbc-url", url, "--user", "sa", "--keys", keys.toString())).isEqualTo(1);
        assertThat(out.toString()).startsWith("TAMPERING FOUND").contains("DELETED at seq 3");
    }

    @Test
    void verify_exitsTwoForAnUnreachableDatabaseOrMissingKeysOrBadUsage() {
        run("keys", "generate", "--dir", keys.toString());
        assertThat(run("verify", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none", "--keys", keys.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("DG-4001");
        assertThat(run("verify", "--jdbc-url", url, "--keys", keys.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("DG-4101");
        Path missing = Path.of("target", "audit-cli", "no-such-db-" + UUID.randomUUID()).toAbsolutePath();
        assertThat(run("verify", "--jdbc-url", "jdbc:h2:" + missing, "--user", "sa", "--keys", keys.toString()))
                .isEqualTo(2);
        assertThat(Path.of(missing + ".mv.db")).doesNotExist();
        assertThat(run("verify", "--keys", keys.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--jdbc-url");
    }

    private int run(String... args) {
        CommandLine line = AuditCommand.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    private static AuditEntry entry(int i) {
        Random random = new Random(i);
        return new AuditEntry("req-" + i, java.time.Instant.ofEpochSecond(1_800_000_000L + i), "guard", "police-1",
                "", "police", false, "", "", "", "", "", "read", "Patient", "Patient/p" + i, AuditOutcome.PERMIT, "r",
                "sha256:x", "", 200, List.of("p" + random.nextInt(3)), List.of("Patient/p" + i), List.of(), List.of(),
                "", "", "");
    }
}

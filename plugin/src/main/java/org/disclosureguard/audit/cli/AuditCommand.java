package org.disclosureguard.audit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditKeyDirectory;
import org.disclosureguard.audit.AuditKeyException;
import org.disclosureguard.audit.AuditPublicKey;
import org.disclosureguard.audit.AuditSigningKey;
import org.disclosureguard.audit.AuditUnavailableException;
import org.disclosureguard.audit.AuditVerifier;
import org.disclosureguard.audit.VerificationReport;
import org.disclosureguard.database.GuardDatabase;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code audit}: verify the audit chain, and manage the keys that sign its checkpoints. Subcommands {@code verify}
 * and {@code keys generate|rotate}; see {@code docs/operations.md}.
 *
 * <p>Exit codes: 0 the chain verifies (or the keys were made); 1 tampering was found (the report lists it);
 * 2 the command line was wrong, the database could not be read or the keys could not be read or written (one
 * line with a DG-4xxx code on standard error).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify the audit chain and manage its checkpoint signing keys.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Keys.class})
public final class AuditCommand implements Runnable {

    /** Exit code when tampering was found. */
    public static final int TAMPERED = 1;
    /** Exit code for a wrong command line or an unreachable database or key directory. */
    public static final int UNAVAILABLE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** A picocli command line for the command, with failures reported as one line and exit code 2. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new AuditCommand());
        line.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof AuditUnavailableException || ex instanceof AuditKeyException) {
                err.println(ex.getMessage());
            } else {
                err.println(AuditUnavailableException.STORE_FAILED + ": " + ex.getClass().getSimpleName() + ": "
                        + ex.getMessage());
            }
            err.flush();
            return UNAVAILABLE;
        });
        return line;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: verify or keys");
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every audit entry and checkpoint in the database; print the report. "
                    + "Exit 0 if the chain verifies, 1 if tampering was found, 2 if it could not be checked.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--jdbc-url", required = true,
                description = "The guard's database, e.g. jdbc:h2:./data/guard or jdbc:postgresql://host/guard.")
        String url;
        @Option(names = "--user", description = "Database user.")
        String user;
        @Option(names = "--password", description = "Database password (or set DG_AUDIT_DB_PASSWORD).",
                defaultValue = "${env:DG_AUDIT_DB_PASSWORD}")
        String password;
        @Option(names = "--keys", required = true,
                description = "Directory of trusted public keys (*.pub.pem) that checkpoints may be signed with.")
        Path keys;

        @Override
        public Integer call() {
            Map<String, AuditPublicKey> trusted = AuditKeyDirectory.publicKeys(keys);
            DataSource dataSource = GuardDatabase.simpleDataSource(existingOnly(url), user, password);
            VerificationReport report = new AuditVerifier(dataSource, trusted).verify();
            PrintWriter out = spec.commandLine().getOut();
            out.print(report.describe());
            out.flush();
            return report.ok() ? 0 : TAMPERED;
        }
    }

    /** An H2 URL that opens only an existing database, so that a mistyped path is an error, not a new file. */
    static String existingOnly(String url) {
        if (url.regionMatches(true, 0, "jdbc:h2:", 0, 8) && !url.toUpperCase(java.util.Locale.ROOT)
                .contains("IFEXISTS=")) {
            return url + ";IFEXISTS=TRUE";
        }
        return url;
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Create or rotate the Ed25519 key that signs audit checkpoints.",
            subcommands = {Generate.class, Rotate.class})
    static final class Keys implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: generate or rotate");
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Create the first checkpoint signing key in a directory.")
    static final class Generate implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "The key directory (created if missing).")
        Path dir;

        @Override
        public void run() {
            AuditSigningKey key = AuditKeyDirectory.generate(dir, new SecureRandom());
            printKey(spec.commandLine().getOut(), "Created audit signing key " + key.keyId(), dir, key);
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Create a new current signing key; delete the previous private key, keep its public key.")
    static final class Rotate implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "The key directory.")
        Path dir;

        @Override
        public void run() {
            String previous = AuditKeyDirectory.currentKeyId(dir);
            AuditSigningKey key = AuditKeyDirectory.rotate(dir, new SecureRandom());
            PrintWriter out = spec.commandLine().getOut();
            printKey(out, "Rotated: " + key.keyId() + " replaces " + previous + " (its private key is deleted; "
                    + "its public key stays for verification)", dir, key);
        }
    }

    private static void printKey(PrintWriter out, String headline, Path dir, AuditSigningKey key) {
        out.println(headline);
        out.println("  private key: " + AuditKeyDirectory.privateKeyFile(dir, key.keyId())
                + " (owner-only; back it up offline)");
        out.println("  public key:  " + AuditKeyDirectory.publicKeyFile(dir, key.keyId())
                + " (copy it to wherever 'audit verify --keys' runs)");
        out.flush();
    }
}

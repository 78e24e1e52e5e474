package org.disclosureguard.identity.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.disclosureguard.identity.CertificateFingerprint;
import org.disclosureguard.identity.IssuedCertificate;
import org.disclosureguard.identity.PartnerCa;
import org.disclosureguard.identity.PartnerCaException;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterClass;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ca}: the practice's partner certificate authority on the command line. Subcommands {@code init},
 * {@code issue}, {@code revoke}, {@code crl}, {@code server} and {@code demo}; see {@code docs/requesters.md}.
 * Exit codes: 0 done, 1 the operation failed (a DG-93xx message on standard error), 2 the command line was wrong.
 */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Create the practice's partner CA, issue and revoke requester certificates, publish the CRL.",
        subcommands = {CaCommand.Init.class, CaCommand.Issue.class, CaCommand.Revoke.class, CaCommand.Crl.class,
                CaCommand.Server.class, CaCommand.Demo.class})
public final class CaCommand implements Runnable {

    /** Exit code when an operation failed. */
    public static final int FAILED = 1;

    private final Clock clock;
    private final SecureRandom random;

    @Spec
    CommandSpec spec;

    public CaCommand() {
        this(Clock.systemUTC(), new SecureRandom());
    }

    /** A command with an injected clock and randomness, for tests. */
    public CaCommand(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new CaCommand()).execute(args));
    }

    /** A picocli command line for the command, with failures reported as one line and exit code 1. */
    public static CommandLine commandLine(CaCommand command) {
        CommandLine line = new CommandLine(command);
        line.registerConverter(RequesterClass.class, code -> {
            RequesterClass c = RequesterClass.fromCode(code);
            if (c == null) {
                throw new CommandLine.TypeConversionException("'" + code + "' is not a requester class; use one of "
                        + RequesterClass.codes());
            }
            return c;
        });
        line.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof PartnerCaException) {
                err.println(ex.getMessage());
            } else {
                err.println(PartnerCaException.IO + ": " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
            }
            err.flush();
            return FAILED;
        });
        return line;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a subcommand: init, issue, revoke, crl, server or demo");
    }

    PartnerCa open(Path dir) {
        return PartnerCa.open(dir, clock, random);
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a new partner CA (EC P-256, self-signed) and publish an empty CRL.")
    static final class Init implements Runnable {
        @ParentCommand
        CaCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "Directory for the CA's files (created if missing).")
        Path dir;
        @Option(names = "--name", defaultValue = "Disclosure Guard partner CA", description = "The CA's name (CN).")
        String name;
        @Option(names = "--days", defaultValue = "3650", description = "Validity of the CA certificate in days.")
        int days;

        @Override
        public void run() {
            PartnerCa ca = PartnerCa.create(dir, name, Duration.ofDays(days), parent.clock, parent.random);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Created partner CA '" + name + "' in " + dir);
            out.println("  certificate: " + dir.resolve(PartnerCaTrust.CA_CERTIFICATE_FILE)
                    + " (valid until " + ca.certificate().getNotAfter().toInstant() + ")");
            out.println("  private key: " + dir.resolve(PartnerCa.CA_KEY_FILE) + " (keep it offline and backed up)");
            out.println("  CRL:         " + dir.resolve(PartnerCaTrust.CRL_FILE));
            out.flush();
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a client certificate for a requester and print its registry entry.")
    static final class Issue implements Runnable {
        @ParentCommand
        CaCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "The CA's directory.")
        Path dir;
        @Option(names = "--id", required = true, description = "The requester's registry id (CN).")
        String id;
        @Option(names = "--org", required = true, description = "The requester's organisation (O).")
        String organisation;
        @Option(names = "--class", required = true, description = "The requester class (OU): ${COMPLETION-CANDIDATES}",
                completionCandidates = ClassCodes.class)
        RequesterClass requesterClass;
        @Option(names = "--days", defaultValue = "365", description = "Validity in days.")
        int days;
        @Option(names = "--renew", description = "Issue again for an id issued before.")
        boolean renew;

        @Override
        public void run() {
            PartnerCa ca = parent.open(dir);
            IssuedCertificate issued = ca.issueClient(id, organisation, requesterClass, Duration.ofDays(days), renew);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Issued a client certificate for '" + id + "'");
            printIssued(out, issued);
            out.println();
            out.println("Registry entry (add it under 'requesters:'; see docs/requesters.md):");
            out.print(RegistrySnippet.entry(id, organisation, requesterClass, issued, false, false));
            out.flush();
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a certificate by serial number and publish a new CRL.")
    static final class Revoke implements Runnable {
        @ParentCommand
        CaCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "The CA's directory.")
        Path dir;
        @Option(names = "--serial", required = true, description = "The serial number in hex, as 'issue' printed it.")
        String serial;

        @Override
        public void run() {
            BigInteger number = PartnerCa.parseSerial(serial);
            PartnerCa ca = parent.open(dir);
            X509CRL crl = ca.revoke(number);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Revoked serial " + number.toString(16));
            out.println("Published " + dir.resolve(PartnerCaTrust.CRL_FILE) + " (" + crl.getRevokedCertificates().size()
                    + " revoked, next update " + crl.getNextUpdate().toInstant() + ")");
            out.flush();
        }
    }

    @Command(name = "crl", mixinStandardHelpOptions = true,
            description = "Publish a fresh CRL. Run it before the current one's next update, or the guard refuses "
                    + "every client certificate (DG-3106).")
    static final class Crl implements Runnable {
        @ParentCommand
        CaCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "The CA's directory.")
        Path dir;
        @Option(names = "--days", defaultValue = "30", description = "Days until the CRL's next update.")
        int days;

        @Override
        public void run() {
            PartnerCa ca = parent.open(dir);
            X509CRL crl = ca.publishCrl(Duration.ofDays(days));
            PrintWriter out = spec.commandLine().getOut();
            int revoked = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
            out.println("Published " + dir.resolve(PartnerCaTrust.CRL_FILE) + " (" + revoked + " revoked, next update "
                    + crl.getNextUpdate().toInstant() + ")");
            out.flush();
        }
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Issue a TLS server certificate for the guard, so requesters can verify it with "
                    + "--cacert ca.pem.")
    static final class Server implements Runnable {
        @ParentCommand
        CaCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "The CA's directory.")
        Path dir;
        @Option(names = "--host", split = ",", defaultValue = "localhost,127.0.0.1,::1",
                description = "Host names and addresses of the guard.")
        List<String> hosts;
        @Option(names = "--days", defaultValue = "365", description = "Validity in days.")
        int days;

        @Override
        public void run() {
            PartnerCa ca = parent.open(dir);
            IssuedCertificate issued = ca.issueServer(hosts, Duration.ofDays(days));
            PrintWriter out = spec.commandLine().getOut();
            out.println("Issued a TLS server certificate for " + hosts);
            printIssued(out, issued);
            out.flush();
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Create a CA (if needed), one demo requester per class, a server certificate, a registry "
                    + "file, and print the curl commands to try them.")
    static final class Demo implements Runnable {
        @ParentCommand
        CaCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "Directory for the demo CA and requesters.")
        Path dir;
        @Option(names = "--base-url", defaultValue = "https://localhost:8443/fhir",
                description = "The guard's mutual-TLS FHIR base URL.")
        String baseUrl;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            PartnerCa ca = PartnerCa.exists(dir)
                    ? parent.open(dir)
                    : PartnerCa.create(dir, "Disclosure Guard demo partner CA", PartnerCa.DEFAULT_CA_VALIDITY,
                            parent.clock, parent.random);
            List<DemoRequesters.Issued> issued = new ArrayList<>();
            for (DemoRequesters.Requester r : DemoRequesters.ALL) {
                issued.add(DemoRequesters.issueOrReuse(ca, r));
            }
            DemoRequesters.Issued unregistered = DemoRequesters.issueOrReuse(ca, DemoRequesters.UNREGISTERED);
            DemoRequesters.Issued revoked = DemoRequesters.issueOrReuse(ca, DemoRequesters.REVOKED);
            if (ca.index().stream().noneMatch(e -> e.revoked()
                    && e.serial().equals(revoked.certificate().getSerialNumber()))) {
                ca.revoke(revoked.certificate().getSerialNumber());
            }
            if (!Files.exists(dir.resolve(PartnerCa.SERVER_DIRECTORY).resolve("cert.pem"))) {
                ca.issueServer(List.of("localhost", "127.0.0.1", "::1"), PartnerCa.DEFAULT_CERTIFICATE_VALIDITY);
            }
            Path registry = dir.resolve(DemoRequesters.REGISTRY_FILE);
            try {
                Files.writeString(registry, RegistrySnippet.demoRegistry(issued), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new PartnerCaException(PartnerCaException.IO, "cannot write " + registry + ": " + e.getMessage(),
                        e);
            }
            DemoRequesters.printGuide(out, ca, issued, unregistered, revoked, registry, baseUrl);
            out.flush();
        }
    }

    static void printIssued(PrintWriter out, IssuedCertificate issued) {
        out.println("  subject:     " + issued.certificate().getSubjectX500Principal().getName());
        out.println("  serial:      " + issued.serialHex());
        out.println("  sha256:      " + CertificateFingerprint.display(issued.sha256()));
        out.println("  valid until: " + issued.certificate().getNotAfter().toInstant());
        out.println("  certificate: " + issued.certificateFile());
        out.println("  key:         " + issued.keyFile());
        out.println("  PKCS#12:     " + issued.pkcs12File() + " (password in " + issued.pkcs12PasswordFile() + ")");
    }

    /** The requester class codes, for picocli's help. */
    static final class ClassCodes extends ArrayList<String> {
        ClassCodes() {
            super(RequesterClass.codes());
        }
    }
}

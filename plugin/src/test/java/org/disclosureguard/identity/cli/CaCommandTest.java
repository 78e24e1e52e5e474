package org.disclosureguard.identity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.disclosureguard.identity.AuthenticatedRequester;
import org.disclosureguard.identity.AuthenticationFailure;
import org.disclosureguard.identity.AuthenticationResult;
import org.disclosureguard.identity.PartnerCa;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RegisteredRequester;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterClass;
import org.disclosureguard.identity.RequesterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code ca} command: exit codes, the files it writes, and what it prints. */
class CaCommandTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path work;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine line = CaCommand.commandLine(new CaCommand(CLOCK, new SecureRandom()));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    private Path dir() {
        return work.resolve("ca");
    }

    @Test
    void init_exitsZero_andWritesTheCaCertificateKeyCrlAndIndex() {
        int code = run("init", "--dir", dir().toString(), "--name", "Riverside Surgery partner CA");

        assertThat(code).isZero();
        assertThat(dir().resolve("ca.pem")).exists();
        assertThat(dir().resolve("ca-key.pem")).exists();
        assertThat(dir().resolve("crl.pem")).exists();
        assertThat(dir().resolve("index.tsv")).exists();
        assertThat(out.toString()).contains("Created partner CA 'Riverside Surgery partner CA'");
    }

    @Test
    void initOnAnExistingCa_exitsOne_withItsCode() {
        run("init", "--dir", dir().toString());

        int code = run("init", "--dir", dir().toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("DG-9301: ").doesNotContain("Exception");
    }

    @Test
    void issue_exitsZero_writesTheRequesterFiles_andPrintsARegistryEntryThatLoads() throws Exception {
        run("init", "--dir", dir().toString());

        int code = run("issue", "--dir", dir().toString(), "--id", "met-police", "--org",
                "Metropolitan Police Service", "--class", "police", "--days", "90");

        assertThat(code).isZero();
        Path requester = dir().resolve("requesters/met-police");
        assertThat(requester.resolve("cert.pem")).exists();
        assertThat(requester.resolve("key.pem")).exists();
        assertThat(requester.resolve("client.p12")).exists();
        assertThat(requester.resolve("client.p12.password")).exists();
        String printed = out.toString();
        assertThat(printed).contains("serial:", "sha256:", "CN=met-police,OU=police,O=Metropolitan Police Service");
        String entry = printed.substring(printed.indexOf("  - id: met-police"));
        RequesterRegistry registry = RequesterRegistry.parse("snippet", "version: 1\nrequesters:\n" + entry, work);
        RegisteredRequester r = registry.byId("met-police").orElseThrow();
        assertThat(r.requesterClass()).isEqualTo(RequesterClass.POLICE);
        assertThat(registry.byCertificate(readCertificate(requester.resolve("cert.pem")))).containsExactly(r);
    }

    @Test
    void issueWithoutACa_exitsOne() {
        int code = run("issue", "--dir", dir().toString(), "--id", "a", "--org", "A", "--class", "tax");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("DG-9302: ");
    }

    @Test
    void issueWithAnUnknownClassOrMissingOption_exitsTwo() {
        run("init", "--dir", dir().toString());

        assertThat(run("issue", "--dir", dir().toString(), "--id", "a", "--org", "A", "--class", "dwp")).isEqualTo(2);
        assertThat(err.toString()).contains("'dwp' is not a requester class", "immigration-enforcement");
        assertThat(run("issue", "--dir", dir().toString(), "--org", "A", "--class", "tax")).isEqualTo(2);
        assertThat(err.toString()).contains("--id");
    }

    @Test
    void issueTwice_exitsOne_unlessRenewing() {
        run("init", "--dir", dir().toString());
        run("issue", "--dir", dir().toString(), "--id", "a", "--org", "A", "--class", "tax");

        assertThat(run("issue", "--dir", dir().toString(), "--id", "a", "--org", "A", "--class", "tax")).isEqualTo(1);
        assertThat(err.toString()).startsWith("DG-9304: ");
        assertThat(run("issue", "--dir", dir().toString(), "--id", "a", "--org", "A", "--class", "tax", "--renew"))
                .isZero();
    }

    @Test
    void revoke_exitsZero_andTheNewCrlListsTheSerial() throws Exception {
        run("init", "--dir", dir().toString());
        run("issue", "--dir", dir().toString(), "--id", "a", "--org", "A", "--class", "tax");
        X509Certificate cert = readCertificate(dir().resolve("requesters/a/cert.pem"));

        int code = run("revoke", "--dir", dir().toString(), "--serial", cert.getSerialNumber().toString(16));

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Revoked serial " + cert.getSerialNumber().toString(16));
        X509CRL crl = PartnerCaTrust.load(dir()).crls().get(0);
        assertThat(crl.getRevokedCertificate(cert.getSerialNumber())).isNotNull();
    }

    @Test
    void revokeOfAnUnknownOrUnreadableSerial_exitsOne() {
        run("init", "--dir", dir().toString());

        assertThat(run("revoke", "--dir", dir().toString(), "--serial", "abcdef")).isEqualTo(1);
        assertThat(err.toString()).startsWith("DG-9303: ");
        assertThat(run("revoke", "--dir", dir().toString(), "--serial", "not-hex")).isEqualTo(1);
        assertThat(err.toString()).startsWith("DG-9305: ");
    }

    @Test
    void crl_exitsZero_andPublishesAFreshList() throws Exception {
        run("init", "--dir", dir().toString());
        String before = Files.readString(dir().resolve("crl-number")).trim();

        int code = run("crl", "--dir", dir().toString(), "--days", "7");

        assertThat(code).isZero();
        assertThat(Files.readString(dir().resolve("crl-number")).trim()).isNotEqualTo(before);
        assertThat(PartnerCaTrust.load(dir()).crls().get(0).getNextUpdate().toInstant())
                .isEqualTo(Instant.parse("2026-03-09T10:00:00Z"));
    }

    @Test
    void server_exitsZero_andWritesTheGuardsTlsCertificate() {
        run("init", "--dir", dir().toString());

        int code = run("server", "--dir", dir().toString(), "--host", "guard.practice.example,10.0.0.5");

        assertThat(code).isZero();
        assertThat(dir().resolve("server/cert.pem")).exists();
        assertThat(dir().resolve("server/key.pem")).exists();
        assertThat(out.toString()).contains("guard.practice.example");
    }

    @Test
    void noSubcommand_exitsTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("name a subcommand");
    }

    @Test
    void demo_createsOneRegisteredRequesterPerClass_whoseCertificatesAuthenticate_andPrintsCurlCommands()
            throws Exception {
        int code = run("demo", "--dir", dir().toString());

        assertThat(code).isZero();
        RequesterRegistry registry = RequesterRegistry.load(dir().resolve("requesters.yaml"));
        assertThat(registry.requesters()).extracting(RegisteredRequester::requesterClass)
                .containsExactlyInAnyOrder(RequesterClass.values());
        assertThat(registry.requesters()).allSatisfy(r -> assertThat(r.headerClaimsAllowed()).isTrue());
        assertThat(registry.requesters()).filteredOn(RegisteredRequester::internal)
                .extracting(RegisteredRequester::id).containsExactly("demo-practice");
        RequesterAuthenticator authenticator = RequesterAuthenticator.builder(registry, PartnerCaTrust.load(dir()))
                .clock(CLOCK).build();
        for (RequesterClass c : RequesterClass.values()) {
            String id = "demo-" + c.code();
            AuthenticationResult result = authenticator.authenticate(
                    new X509Certificate[] {readCertificate(dir().resolve("requesters/" + id + "/cert.pem"))},
                    Map.of("X-DG-Purpose-Of-Use", "TREAT"), "https://localhost:8443/fhir");
            assertThat(result).as(id).isInstanceOf(AuthenticatedRequester.class);
            assertThat(((AuthenticatedRequester) result).requester().requesterClass()).isEqualTo(c);
        }
        assertThat(codeFor(authenticator, "demo-unregistered")).isEqualTo("DG-3101");
        assertThat(codeFor(authenticator, "demo-revoked")).isEqualTo("DG-3105");
        assertThat(dir().resolve("server/cert.pem")).exists();

        String printed = out.toString();
        for (RequesterClass c : RequesterClass.values()) {
            assertThat(printed).contains("# " + c.code() + ": ");
            assertThat(printed).contains("--cert '" + dir().toAbsolutePath().resolve("requesters/demo-" + c.code()
                    + "/cert.pem") + "' --key '" + dir().toAbsolutePath().resolve("requesters/demo-" + c.code()
                    + "/key.pem") + "' --cacert '" + dir().toAbsolutePath().resolve("ca.pem") + "'");
        }
        assertThat(printed).contains("'https://localhost:8443/fhir/Patient?identifier=", "X-DG-Legal-Basis: ",
                "X-Forwarded-Client-Cert", "DG-3101", "DG-3105", "DG-3001");
    }

    @Test
    void demoRunTwice_exitsZero_andKeepsTheCertificatesOfTheFirstRun() throws Exception {
        run("demo", "--dir", dir().toString());
        X509Certificate first = readCertificate(dir().resolve("requesters/demo-police/cert.pem"));

        int code = run("demo", "--dir", dir().toString(), "--base-url", "https://guard.example:9443/fhir");

        assertThat(code).isZero();
        assertThat(readCertificate(dir().resolve("requesters/demo-police/cert.pem"))).isEqualTo(first);
        assertThat(out.toString()).contains("https://guard.example:9443/fhir/Patient");
        assertThat(PartnerCa.open(dir(), CLOCK, new SecureRandom()).index()).filteredOn(e -> e.revoked()).hasSize(1);
    }

    private String codeFor(RequesterAuthenticator authenticator, String id) throws Exception {
        AuthenticationResult result = authenticator.authenticate(
                new X509Certificate[] {readCertificate(dir().resolve("requesters/" + id + "/cert.pem"))}, Map.of(),
                "https://localhost:8443/fhir");
        return ((AuthenticationFailure) result).code();
    }

    private static X509Certificate readCertificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}

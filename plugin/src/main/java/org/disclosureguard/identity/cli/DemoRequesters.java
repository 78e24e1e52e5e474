package org.disclosureguard.identity.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.disclosureguard.identity.IssuedCertificate;
import org.disclosureguard.identity.PartnerCa;
import org.disclosureguard.identity.PartnerCaException;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterClass;

/** The demo requesters {@code ca demo} creates, and the guide it prints. */
final class DemoRequesters {

    static final String REGISTRY_FILE = "requesters.yaml";

    /** The PDS sandbox patient the examples ask for, identified by NHS number and date of birth. */
    static final String PATIENT_QUERY =
            "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9000000009&birthdate=2010-10-22";

    /** A demo requester and what it states about its requests. */
    record Requester(String id, String organisation, RequesterClass requesterClass, String story, String purpose,
            String legalBasis, String caseReference, String officer) {}

    /** What was issued (or found from an earlier run) for a demo requester. */
    record Issued(Requester requester, IssuedCertificate issued) {
        X509Certificate certificate() {
            return issued.certificate();
        }
    }

    static final List<Requester> ALL = List.of(
            new Requester("demo-practice", "Riverside Surgery (demo)", RequesterClass.PRACTICE,
                    "the practice's own system, direct care", "TREAT", "DIRECT-CARE", null, null),
            new Requester("demo-nhs-provider", "St Elsewhere NHS Foundation Trust (demo)", RequesterClass.NHS_PROVIDER,
                    "emergency treatment at another NHS provider", "ETREAT", "VITAL-INTERESTS", null, null),
            new Requester("demo-police", "Demo Constabulary", RequesterClass.POLICE,
                    "police investigating a serious crime", "CRIMEPREV", "SERIOUS-CRIME", "CRIME-2026-0042",
                    "DC 4512 A. Example"),
            new Requester("demo-immigration-enforcement", "Home Office Immigration Enforcement (demo)",
                    RequesterClass.IMMIGRATION_ENFORCEMENT,
                    "deportation case after a serious conviction", "IMMIGENF", "DEPORT-SERIOUS-CRIME",
                    "HO-DEP-2026-0107", "IO 2231 B. Example"),
            new Requester("demo-benefits", "Department for Work and Pensions (demo)", RequesterClass.BENEFITS,
                    "benefits fraud investigation", "BENEFITFRAUD", "BENEFIT-TAX", "DWP-FR-2026-0311",
                    "Investigator C. Example"),
            new Requester("demo-tax", "HM Revenue and Customs (demo)", RequesterClass.TAX,
                    "tax fraud investigation", "BENEFITFRAUD", "BENEFIT-TAX", "HMRC-2026-7781",
                    "Officer D. Example"),
            new Requester("demo-public-health", "UK Health Security Agency (demo)", RequesterClass.PUBLIC_HEALTH,
                    "statutory public health follow-up", "PUBHLTH", "PUBLIC-HEALTH-STATUTORY", null, null),
            new Requester("demo-local-authority", "Demo Borough Council Children's Services",
                    RequesterClass.LOCAL_AUTHORITY, "child safeguarding enquiry", "SAFEGUARD", "SAFEGUARDING",
                    "MASH-2026-0099", "Social worker E. Example"));

    /** Issued by the partner CA but left out of the registry: refused as unknown (DG-3101). */
    static final Requester UNREGISTERED = new Requester("demo-unregistered", "Unregistered Agency (demo)",
            RequesterClass.POLICE, "a certificate the practice never registered", "CRIMEPREV", "SERIOUS-CRIME",
            null, null);

    /** Issued, then revoked: refused as revoked (DG-3105). */
    static final Requester REVOKED = new Requester("demo-revoked", "Revoked Force (demo)", RequesterClass.POLICE,
            "a revoked certificate", "CRIMEPREV", "SERIOUS-CRIME", null, null);

    private DemoRequesters() {}

    /** Issues the requester's certificate, or reuses the one an earlier run issued. */
    static Issued issueOrReuse(PartnerCa ca, Requester r) {
        Path dir = ca.requesterDirectory(r.id());
        Path certFile = dir.resolve("cert.pem");
        if (!Files.exists(certFile)) {
            return new Issued(r, ca.issueClient(r.id(), r.organisation(), r.requesterClass(),
                    PartnerCa.DEFAULT_CERTIFICATE_VALIDITY, false));
        }
        try (InputStream in = Files.newInputStream(certFile)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return new Issued(r, new IssuedCertificate(certificate, certFile, dir.resolve("key.pem"),
                    dir.resolve("client.p12"), dir.resolve("client.p12.password")));
        } catch (IOException | GeneralSecurityException e) {
            throw new PartnerCaException(PartnerCaException.IO, "cannot read " + certFile + ": " + e.getMessage(), e);
        }
    }

    static void printGuide(PrintWriter out, PartnerCa ca, List<Issued> issued, Issued unregistered, Issued revoked,
            Path registry, String baseUrl) {
        Path caFile = ca.directory().resolve(PartnerCaTrust.CA_CERTIFICATE_FILE).toAbsolutePath();
        Path server = ca.directory().resolve(PartnerCa.SERVER_DIRECTORY).toAbsolutePath();
        out.println("Demo partner CA:           " + caFile);
        out.println("Guard TLS certificate:     " + server.resolve("cert.pem") + " and " + server.resolve("key.pem")
                + " (localhost, 127.0.0.1, ::1; issued by the demo CA)");
        out.println("Demo requester registry:   " + registry.toAbsolutePath());
        out.println("Revocation list:           " + ca.directory().resolve(PartnerCaTrust.CRL_FILE).toAbsolutePath());
        out.println();
        out.println("Start the guard with its mutual-TLS listener on " + baseUrl + " using the files above, then try");
        out.println("each demo requester (one per requester class). Every one is registered with headerClaims: true,");
        out.println("so it states purpose of use and legal basis in X-DG-* headers over mutual TLS.");
        String url = baseUrl + PATIENT_QUERY;
        for (Issued i : issued) {
            Requester r = i.requester();
            out.println();
            out.println("# " + r.requesterClass().code() + ": " + r.organisation() + " - " + r.story());
            out.println(curl(i, caFile, url, r));
        }
        out.println();
        out.println("# Refused: a certificate from the partner CA that is not registered (DG-3101)");
        out.println(curl(unregistered, caFile, url, unregistered.requester()));
        out.println();
        out.println("# Refused: a revoked certificate (DG-3105)");
        out.println(curl(revoked, caFile, url, revoked.requester()));
        out.println();
        out.println("# Refused: a forged forwarding header claiming another client's certificate (DG-3001)");
        Issued police = issued.stream().filter(i -> i.requester().requesterClass() == RequesterClass.POLICE)
                .findFirst().orElseThrow();
        out.println(curlPrefix(police, caFile) + " \\\n  -H "
                + shell("X-Forwarded-Client-Cert: Subject=\"CN=demo-practice\"") + " \\\n  " + shell(url));
        out.println();
        out.println("# Refused: purpose headers without a client certificate (DG-3002)");
        out.println("curl --cacert " + shell(caFile.toString()) + " -H " + shell("X-DG-Purpose-Of-Use: TREAT")
                + " \\\n  " + shell(url));
    }

    private static String curl(Issued i, Path caFile, String url, Requester r) {
        StringBuilder out = new StringBuilder(curlPrefix(i, caFile));
        out.append(" \\\n  -H ").append(shell("X-DG-Purpose-Of-Use: " + r.purpose()));
        out.append(" -H ").append(shell("X-DG-Legal-Basis: " + r.legalBasis()));
        if (r.caseReference() != null) {
            out.append(" \\\n  -H ").append(shell("X-DG-Case-Reference: " + r.caseReference()));
        }
        if (r.officer() != null) {
            out.append(" -H ").append(shell("X-DG-Requesting-Officer: " + r.officer()));
        }
        out.append(" \\\n  ").append(shell(url));
        return out.toString();
    }

    private static String curlPrefix(Issued i, Path caFile) {
        return "curl --cert " + shell(i.issued().certificateFile().toAbsolutePath().toString())
                + " --key " + shell(i.issued().keyFile().toAbsolutePath().toString())
                + " --cacert " + shell(caFile.toString());
    }

    /** Single-quotes a word for a POSIX shell. */
    static String shell(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}

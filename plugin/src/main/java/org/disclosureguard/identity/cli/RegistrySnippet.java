package org.disclosureguard.identity.cli;

import java.util.List;
import org.disclosureguard.identity.CertificateFingerprint;
import org.disclosureguard.identity.IssuedCertificate;
import org.disclosureguard.identity.RequesterClass;
import org.disclosureguard.identity.RequesterRegistry;

/** Writes requester registry entries (the format of {@code docs/requesters.md}) for issued certificates. */
final class RegistrySnippet {

    private RegistrySnippet() {}

    /** One entry of the {@code requesters:} list, pinning the certificate by subject and fingerprint. */
    static String entry(String id, String organisation, RequesterClass requesterClass, IssuedCertificate issued,
            boolean headerClaims, boolean internal) {
        StringBuilder out = new StringBuilder();
        out.append("  - id: ").append(id).append('\n');
        out.append("    organisation: ").append(quote(organisation)).append('\n');
        out.append("    class: ").append(requesterClass.code()).append('\n');
        out.append("    certificate:\n");
        out.append("      subject: ").append(quote(issued.certificate().getSubjectX500Principal().getName()))
                .append('\n');
        out.append("      sha256: ").append(quote(CertificateFingerprint.display(issued.sha256()))).append('\n');
        if (headerClaims) {
            out.append("    headerClaims: true\n");
        }
        if (internal) {
            out.append("    internal: true\n");
        }
        return out.toString();
    }

    /** A complete registry file for the demo requesters. */
    static String demoRegistry(List<DemoRequesters.Issued> issued) {
        StringBuilder out = new StringBuilder();
        out.append("# Demo requesters made by 'ca demo': one per requester class, each with a client certificate\n");
        out.append("# from the demo partner CA. headerClaims: true lets them state purpose of use, legal basis,\n");
        out.append("# case reference and requesting officer in X-DG-* headers over mutual TLS, so that curl can\n");
        out.append("# be used without signing tokens. See docs/requesters.md.\n");
        out.append("version: ").append(RequesterRegistry.VERSION).append('\n');
        out.append("requesters:\n");
        for (DemoRequesters.Issued i : issued) {
            DemoRequesters.Requester r = i.requester();
            out.append(entry(r.id(), r.organisation(), r.requesterClass(), i.issued(), true,
                    r.requesterClass() == RequesterClass.PRACTICE));
        }
        return out.toString();
    }

    /** A YAML double-quoted scalar. */
    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}

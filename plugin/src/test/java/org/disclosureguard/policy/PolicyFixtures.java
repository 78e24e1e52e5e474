package org.disclosureguard.policy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;

/** Small policies, contexts and resource facts for the policy tests, and where the repository's files are. */
final class PolicyFixtures {

    /** The declarations every test policy starts with; its rules follow. */
    static final String HEADER = """
            version: 1
            requesterClasses: [nhs-provider, police, practice]
            purposes: [TREAT, CRIMEPREV]
            legalBases: [SERIOUS-CRIME, DIRECT-CARE]
            rules:
            """;

    static final SecurityLabel LOCIS = SecurityLabel.parse("LOCIS");
    static final SecurityLabel DEMO = SecurityLabel.parse("DEMO");
    static final SecurityLabel NATIONALITY = SecurityLabel.parse("NATIONALITY");
    static final SecurityLabel IDS = SecurityLabel.parse("IDS");

    static final Requester PROVIDER = Requester.external("provider-1", "A trust", "nhs-provider");
    static final Requester POLICE = Requester.external("police-1", "A force", "police");
    static final Requester STAFF = new Requester("staff-1", "The practice", "practice", true);

    private PolicyFixtures() {}

    /** Compiles {@link #HEADER} followed by the given rules (YAML list items, already indented). */
    static PolicyEngine policy(String rules) {
        return PolicyEngine.compile("test-policy.yaml", (HEADER + rules).getBytes(StandardCharsets.UTF_8));
    }

    static RequestContext read(Requester requester, String purpose) {
        return RequestContext.read(requester, purpose, "", "Patient");
    }

    static RequestContext search(Requester requester, String purpose, Map<String, List<String>> params) {
        return RequestContext.search(requester, purpose, "", "Patient", params);
    }

    static ResourceFacts patient(Confidentiality confidentiality, SecurityLabel... labels) {
        return new ResourceFacts("Patient", "p1", confidentiality, Set.of(labels), true);
    }

    /** The scenario corpus: the system property Surefire sets, or found from the working directory upwards. */
    static Path scenarioFolder() {
        String configured = System.getProperty("dg.policy.scenarios");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return repositoryRoot().resolve("test-fixtures/policy-scenarios");
    }

    /** The repository's root: the folder holding {@code test-fixtures/policy-scenarios} and {@code docs}. */
    static Path repositoryRoot() {
        String configured = System.getProperty("dg.policy.scenarios");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().getParent().getParent();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("test-fixtures/policy-scenarios"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "cannot find test-fixtures/policy-scenarios from " + Path.of("").toAbsolutePath());
    }
}

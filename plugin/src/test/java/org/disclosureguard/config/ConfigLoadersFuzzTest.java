package org.disclosureguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.disclosureguard.identity.RegisteredRequester;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.LabelPlan;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;

/**
 * Fuzzes the loaders of the guard's three configuration files with arbitrary bytes: the disclosure policy
 * ({@link PolicyEngine#compile}), the label configuration ({@link LabelConfiguration#compile}) and the requester
 * registry ({@link RequesterRegistry#parse}). Oracle: each input is either loaded, and the result then works (a
 * policy decides requests, a label plan labels a real patient, a registry finds its requesters by id), or refused
 * with a {@link ConfigException} whose message names the file and a line within it (a policy problem also carries
 * its DG-20xx code); never another exception. Hangs are found by Jazzer's per-input timeout in fuzz mode; libFuzzer
 * bounds the input size. Seeds in {@code ConfigLoadersFuzzTestInputs/}; see {@code docs/security-testing.md}.
 */
class ConfigLoadersFuzzTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Pattern POLICY_MESSAGE = Pattern.compile("policy\\.yaml(?::(\\d+))?: (DG-20\\d\\d) .*",
            Pattern.DOTALL);
    private static final List<RequestContext> REQUESTS = List.of(
            new RequestContext(new Requester("practice-loopback", "", "practice", true), "", "", "", "",
                    Interaction.READ, "Patient", Map.of()),
            new RequestContext(new Requester("home-office", "Home Office", "immigration-enforcement", false),
                    "IMMIGENF", "DEPORT-SERIOUS-CRIME", "HO-1", "IO 1", Interaction.SEARCH, "Patient",
                    Map.of("identifier", List.of("https://fhir.nhs.uk/Id/nhs-number|9000000009"))),
            new RequestContext(new Requester("gp-elsewhere", "Another Surgery", "nhs-provider", false), "TREAT", "",
                    "", "", Interaction.PAGE, "", Map.of()));
    private static final String PATIENT = """
            {"resourceType":"Patient","id":"p1","name":[{"family":"Okafor","given":["Ada"]}],
             "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],
             "telecom":[{"system":"phone","value":"01632 960000"}],"gender":"female","birthDate":"1980-02-01",
             "address":[{"line":["1 High St"],"postalCode":"LS1 4AP"}],
             "generalPractitioner":[{"reference":"Practitioner/gp-7"}]}
            """;
    private static final Path KEYS = keyDirectory();

    @FuzzTest(maxDuration = "5m")
    void policy_compilesOrNamesTheLine(byte[] file) {
        PolicyEngine engine;
        try {
            engine = PolicyEngine.compile("policy.yaml", file);
        } catch (ConfigException refused) {
            Matcher message = POLICY_MESSAGE.matcher(refused.getMessage());
            assertThat(message.matches()).as("message: %s", refused.getMessage()).isTrue();
            checkLine(refused, new String(file, StandardCharsets.UTF_8));
            if (!message.group(2).equals("DG-2001")) {
                assertThat(refused.line()).as("line of a %s problem: %s", message.group(2), refused.getMessage())
                        .isPositive();
            }
            return;
        }
        assertThat(engine.version()).isEqualTo("sha256:" + sha256(file));
        for (RequestContext request : REQUESTS) {
            Decision decision = engine.decideRequest(request);
            assertThat(decision.ruleId()).as("the rule deciding %s", request).isNotBlank();
            assertThat(decision.policyVersion()).isEqualTo(engine.version());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void labelConfiguration_compilesOrNamesTheLine(byte[] file) throws IOException {
        String text = new String(file, StandardCharsets.UTF_8);
        LabelPlan plan;
        try {
            plan = LabelConfiguration.compile(FHIR, "labels.yaml", text);
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).startsWith("labels.yaml");
            checkLine(refused, text);
            return;
        }
        ObjectNode patient = (ObjectNode) new ObjectMapper().readTree(PATIENT);
        new TreeLabeller(plan).label(patient);
        assertThat(patient.path("resourceType").asText()).isEqualTo("Patient");
    }

    @FuzzTest(maxDuration = "5m")
    void requesterRegistry_loadsOrNamesTheLine(byte[] file) {
        String text = new String(file, StandardCharsets.UTF_8);
        RequesterRegistry registry;
        try {
            registry = RequesterRegistry.parse("requesters.yaml", text, KEYS);
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).startsWith("requesters.yaml");
            checkLine(refused, text);
            return;
        }
        for (RegisteredRequester requester : registry.requesters()) {
            assertThat(registry.byId(requester.id())).contains(requester);
        }
        assertThat(registry.digest()).isNotBlank();
    }

    /** YAML's line breaks: CR LF, CR, LF, and (YAML 1.1, as SnakeYAML counts) NEL, LS and PS. */
    private static final Pattern YAML_LINE_BREAK = Pattern.compile("\r\n|[\r\n\u0085\u2028\u2029]");

    /** The line is 0 (not tied to a line) or one of the file's lines, counted as YAML counts them. */
    private static void checkLine(ConfigException refused, String text) {
        long lines = YAML_LINE_BREAK.split(text, -1).length + 1;
        assertThat((long) refused.line()).as("line of: %s", refused.getMessage()).isBetween(0L, lines);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A directory with one PEM key, so that the registry's {@code pem:} entries can be reached. */
    private static Path keyDirectory() {
        try {
            Path directory = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "fuzz-registry"));
            Files.writeString(directory.resolve("key.pem"), """
                    -----BEGIN PUBLIC KEY-----
                    MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
                    -----END PUBLIC KEY-----
                    """);
            return directory;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.identity.cli.CaCommand;
import org.disclosureguard.testsupport.PracticeServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The demo as the README shows it, over real mutual TLS: {@code ca demo} creates the partner CA, one requester per
 * class, a revoked and an unregistered one, and the guard's server certificate; the guard listens with TLS for
 * them in front of the real practice server. Each requester class asks for the same patient by NHS number and
 * date of birth, with its purpose and legal basis in headers, and gets what the default policy promises.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MutualTlsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEMO = createDemo();
    private static final int TLS_PORT = freePort();
    private static final String QUERY =
            "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9000000009&birthdate=2010-10-22";

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", () -> DEMO.resolve("requesters.yaml").toString());
        registry.add("guard.identity.ca-dir", DEMO::toString);
        registry.add("guard.identity.audience", () -> base());
        registry.add("guard.tls.port", () -> TLS_PORT);
        registry.add("guard.tls.address", () -> "127.0.0.1");
        registry.add("guard.tls.certificate", () -> DEMO.resolve("server/cert.pem").toString());
        registry.add("guard.tls.private-key", () -> DEMO.resolve("server/key.pem").toString());
    }

    private static Path createDemo() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target"), "mutual-tls-it").resolve("demo-ca");
            StringWriter out = new StringWriter();
            int exit = CaCommand.commandLine(new CaCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                    .execute("demo", "--dir", dir.toString());
            if (exit != 0) {
                throw new IllegalStateException("ca demo failed: " + out);
            }
            return dir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String base() {
        return "https://localhost:" + TLS_PORT + "/fhir";
    }

    private record Answer(int status, String body, String decision) {

        String code() throws IOException {
            return JSON.readTree(body).at("/issue/0/details/coding/0/code").asText();
        }
    }

    private static Answer ask(String requester, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + QUERY))
                .header("Accept", "application/fhir+json");
        headers.forEach(request::header);
        HttpResponse<String> response = client(requester).send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(),
                response.headers().firstValue("X-DG-Decision").orElse(""));
    }

    private static Map<String, String> claims(String purpose, String legalBasis, String caseReference,
            String officer) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-DG-Purpose-Of-Use", purpose);
        headers.put("X-DG-Legal-Basis", legalBasis);
        if (caseReference != null) {
            headers.put("X-DG-Case-Reference", caseReference);
        }
        if (officer != null) {
            headers.put("X-DG-Requesting-Officer", officer);
        }
        return headers;
    }

    /** An HTTPS client trusting the demo CA, presenting the requester's certificate, or none for {@code null}. */
    private static HttpClient client(String requester) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(DEMO.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        if (requester == null) {
            keyManagers.init(null, null);
        } else {
            Path dir = DEMO.resolve("requesters").resolve(requester);
            char[] password = Files.readString(dir.resolve("client.p12.password")).strip().toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
                keys.load(in, password);
            }
            keyManagers.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static List<String> security(JsonNode resource) {
        List<String> codes = new ArrayList<>();
        resource.path("meta").path("security").forEach(c -> codes.add(c.path("code").asText()));
        return codes;
    }

    @Test
    void nhsProviderForEmergencyTreatment_getsThePatientLabelled() throws Exception {
        Answer answer = ask("demo-nhs-provider", claims("ETREAT", "VITAL-INTERESTS", null, null));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode patient = JSON.readTree(answer.body()).at("/entry/0/resource");
        assertThat(patient.path("id").asText()).isEqualTo("9000000009");
        assertThat(security(patient)).contains("PROCESSINLINELABEL", "NORDSCLCD");
        assertThat(patient.at("/address/0/extension").toString()).contains("LOCIS");
        assertThat(answer.decision()).startsWith("direct-care; policy=sha256:");
    }

    @Test
    void thePracticesOwnSystemOverMutualTls_getsThePatientForDirectCare() throws Exception {
        Answer answer = ask("demo-practice", claims("TREAT", "DIRECT-CARE", null, null));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode patient = JSON.readTree(answer.body()).at("/entry/0/resource");
        assertThat(patient.path("id").asText()).isEqualTo("9000000009");
        assertThat(patient.at("/address/0/extension").toString()).contains("LOCIS");
        assertThat(answer.decision()).contains("; policy=sha256:").doesNotStartWith("default-deny");
    }

    @Test
    void publicHealth_getsThePatientWithoutAddressOrPhone() throws Exception {
        Answer answer = ask("demo-public-health", claims("PUBHLTH", "PUBLIC-HEALTH-STATUTORY", null, null));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode patient = JSON.readTree(answer.body()).at("/entry/0/resource");
        assertThat(patient.path("id").asText()).isEqualTo("9000000009");
        assertThat(patient.has("address")).isFalse();
        assertThat(patient.has("telecom")).isFalse();
        assertThat(security(patient)).contains("REDACTED");
    }

    @Test
    void immigrationEnforcementForADeportationCaseAfterASeriousConviction_isHeldForTheCaldicottGuardian()
            throws Exception {
        Answer answer = ask("demo-immigration-enforcement",
                claims("IMMIGENF", "DEPORT-SERIOUS-CRIME", "HO-DEP-2026-0107", "IO 2231 B. Example"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.decision()).startsWith("immigration-serious-crime-escalated;");
        assertThat(answer.body()).contains("held for review").doesNotContain("9000000009\"");
    }

    @Test
    void immigrationEnforcementWithoutASeriousCrimeBasis_isRefused() throws Exception {
        Answer answer = ask("demo-immigration-enforcement",
                claims("IMMIGENF", "IMMIGRATION-ADMIN", "HO-2026-0001", "IO 2231 B. Example"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.decision()).doesNotContain("escalated").doesNotContain("permit");
    }

    @Test
    void policeForASeriousCrime_isHeldForReview() throws Exception {
        Answer answer = ask("demo-police", claims("CRIMEPREV", "SERIOUS-CRIME", "CRIME-2026-0042",
                "DC 4512 A. Example"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.decision()).startsWith("police-serious-crime-escalated;");
    }

    @Test
    void localAuthoritySafeguarding_isHeldForReview() throws Exception {
        Answer answer = ask("demo-local-authority", claims("SAFEGUARD", "SAFEGUARDING", "MASH-2026-0099",
                "Social worker E. Example"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.decision()).startsWith("safeguarding-escalated;");
    }

    @Test
    void benefitsAndTax_areRefused() throws Exception {
        for (String requester : List.of("demo-benefits", "demo-tax")) {
            Answer answer = ask(requester, claims("BENEFITFRAUD", "BENEFIT-TAX", "FR-1", "Officer"));

            assertThat(answer.status()).as(requester).isEqualTo(403);
            assertThat(answer.decision()).as(requester).startsWith("benefits-and-tax-refused;");
        }
    }

    @Test
    void unregisteredCertificate_isRefusedAsUnknown() throws Exception {
        Answer answer = ask("demo-unregistered", claims("CRIMEPREV", "SERIOUS-CRIME", null, null));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("DG-3101");
    }

    @Test
    void revokedCertificate_isRefused() throws Exception {
        Answer answer = ask("demo-revoked", claims("CRIMEPREV", "SERIOUS-CRIME", null, null));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("DG-3105");
    }

    @Test
    void forwardedCertificateHeader_isRefused() throws Exception {
        Map<String, String> headers = claims("CRIMEPREV", "SERIOUS-CRIME", "CRIME-2026-0042", "DC 4512");
        headers.put("X-Forwarded-Client-Cert", "Subject=\"CN=demo-practice\"");

        Answer answer = ask("demo-police", headers);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.code()).isEqualTo("DG-3001");
    }

    @Test
    void purposeHeadersWithoutAClientCertificate_areRefused() throws Exception {
        Answer answer = ask(null, claims("TREAT", "DIRECT-CARE", null, null));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.code()).isEqualTo("DG-3002");
    }

    @Test
    void noCredentialsOverTls_areRefusedEvenFromLoopback() throws Exception {
        Answer answer = ask(null, Map.of());

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body()).doesNotContain("9000000009\"");
    }

    @Test
    void staffEndpoints_areNotThereOverTls_evenForTheDemoPractice() throws Exception {
        HttpResponse<String> response = client("demo-practice").send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + TLS_PORT + "/staff/policy")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("sha256");
    }

    @Test
    void aClientCertificateFromAnotherCa_failsTheHandshake() throws Exception {
        Path stranger = Files.createTempDirectory(Path.of("target"), "stranger-ca").resolve("ca");
        int exit = CaCommand.commandLine(new CaCommand()).setOut(new PrintWriter(new StringWriter()))
                .execute("demo", "--dir", stranger.toString());
        assertThat(exit).isZero();
        Path dir = stranger.resolve("requesters").resolve("demo-practice");
        char[] password = Files.readString(dir.resolve("client.p12.password")).strip().toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
            keys.load(in, password);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(DEMO.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + QUERY))
                .header("X-DG-Purpose-Of-Use", "TREAT").build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

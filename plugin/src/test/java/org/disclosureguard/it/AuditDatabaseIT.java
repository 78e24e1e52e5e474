package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.testsupport.PracticeServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The guard with its audit chain on a real PostgreSQL server, in front of the real practice server: when the
 * database goes away, nothing is released (503 DG-1503), every answer that did leave has its entry in the chain,
 * and once the database is back the guard serves again and the chain verifies.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"guard.database.connection-timeout=1s", "guard.audit.checkpoint-interval=1s"})
class AuditDatabaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path DATA = Path.of("target", "audit-database-it").toAbsolutePath();
    private static EmbeddedPostgres postgres = start(0);
    private static final int PORT = postgres.getPort();

    @LocalServerPort
    int port;

    @Autowired
    JdbcAuditStore store;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.database.url", () -> "jdbc:postgresql://localhost:" + PORT + "/postgres");
        registry.add("guard.database.user", () -> "postgres");
        registry.add("guard.audit.key-dir", () -> DATA.resolveSibling("audit-database-it-keys").toString());
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void databaseDown_releasesNothing_andAfterItIsBackTheGuardServesAndTheChainVerifies() throws Exception {
        HttpResponse<String> before = getOnceTheDatabaseServes("/fhir/Patient/9000000009");
        assertThat(before.statusCode()).isEqualTo(200);
        String family = JSON.readTree(before.body()).at("/name/0/family").asText();
        assertThat(family).isNotBlank();

        postgres.close();
        HttpResponse<String> during;
        try {
            during = get("/fhir/Patient/9000000009");
        } finally {
            postgres = start(PORT);
        }

        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.body()).contains("DG-1503").doesNotContain(family).doesNotContain("9000000009\"");
        HttpResponse<String> after = getOnceTheDatabaseServes("/fhir/Patient/9000000009");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(store.byRequestId(after.headers().firstValue("X-DG-Request-Id").orElseThrow())).hasSize(1);
        assertVerifies();
    }

    @Test
    void databaseStoppedUnderLoad_everyAnswerThatLeftIsInTheChain() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<List<HttpResponse<String>>>> runs = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                runs.add(clients.submit(() -> {
                    List<HttpResponse<String>> answers = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        answers.add(get("/fhir/Patient/9000000009"));
                    }
                    return answers;
                }));
            }
            Thread.sleep(300);
            postgres.close();
            Thread.sleep(1_500);
            postgres = start(PORT);
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<List<HttpResponse<String>>> run : runs) {
                answers.addAll(run.get());
            }

            int released = 0;
            int refused = 0;
            for (HttpResponse<String> answer : answers) {
                String requestId = answer.headers().firstValue("X-DG-Request-Id").orElseThrow();
                if (answer.statusCode() == 200) {
                    released++;
                    assertThat(store.byRequestId(requestId)).as("entry of released request %s", requestId)
                            .hasSize(1);
                } else {
                    refused++;
                    assertThat(answer.statusCode()).isEqualTo(503);
                    assertThat(answer.body()).contains("DG-1503").doesNotContain("\"name\"");
                }
            }
            System.out.printf("Database stopped under load: %d answers released (each in the chain), %d refused "
                    + "with 503%n", released, refused);
            assertThat(released + refused).isEqualTo(160);
            assertThat(refused).as("some requests met the stopped database").isPositive();
            assertVerifies();
        } finally {
            clients.shutdownNow();
        }
    }

    private void assertVerifies() throws Exception {
        HttpResponse<String> verify = getOnceTheDatabaseServes("/staff/audit/verify");
        JsonNode report = JSON.readTree(verify.body());
        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
        assertThat(report.path("ok").asBoolean()).isTrue();
    }

    /**
     * Asks until the answer is not a 503: after the database restarts, the pool still holds connections to the old
     * server, and each request that meets one is answered 503 (nothing released) while the pool replaces it.
     */
    private HttpResponse<String> getOnceTheDatabaseServes(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(path);
        for (int attempt = 0; attempt < 40 && answer.statusCode() == 503; attempt++) {
            assertThat(answer.body()).contains("DG-1503").doesNotContain("\"name\"");
            Thread.sleep(250);
            answer = get(path);
        }
        return answer;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A server that commits durably, on the same data directory each time (and the same port after the first). */
    private static EmbeddedPostgres start(int port) {
        try {
            if (port == 0) {
                if (Files.exists(DATA)) {
                    try (Stream<Path> files = Files.walk(DATA)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
                Files.createDirectories(DATA);
            }
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(DATA)
                    .setCleanDataDirectory(false).setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on");
            return (port == 0 ? builder : builder.setPort(port)).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.disclosureguard.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class FhirServerLoaderTest {

    private static FhirServerLoader loaderFor(URI base) {
        return new FhirServerLoader(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
                Duration.ofSeconds(30), Duration.ofMillis(20));
    }

    @Test
    void load_postsTheTransactionAsFhirJsonToTheBase_andSummarisesTheResponse() throws Exception {
        try (RecordingFhirServer server = new RecordingFhirServer()) {
            List<Bundle> bundles = new SyntheticUkGenerator(5).patients(12).generate().toTransactionBundles(30);

            LoadSummary summary = loaderFor(server.base()).load(bundles.get(0));

            assertThat(server.posts()).singleElement().satisfies(post -> {
                assertThat(post.contentType()).isEqualTo("application/fhir+json");
                Bundle received = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, post.body());
                assertThat(received.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
                assertThat(received.getEntry()).hasSize(bundles.get(0).getEntry().size());
            });
            assertThat(summary.entries()).isEqualTo(bundles.get(0).getEntry().size());
            assertThat(summary.httpStatus()).isEqualTo(200);
            assertThat(summary.entryStatuses()).hasSize(summary.entries()).allMatch("201 Created"::equals);
            assertThat(summary.countByStatusCode()).containsExactly(java.util.Map.entry("201", summary.entries()));
            assertThat(summary.allSucceeded()).isTrue();
        }
    }

    @Test
    void loadAll_sendsEveryBundleInOrder() throws Exception {
        try (RecordingFhirServer server = new RecordingFhirServer()) {
            List<Bundle> bundles = new SyntheticUkGenerator(5).patients(12).generate().toTransactionBundles(10);

            List<LoadSummary> summaries = loaderFor(URI.create(server.base() + "/")).loadAll(bundles);

            assertThat(summaries).hasSameSizeAs(bundles);
            assertThat(server.posts()).hasSameSizeAs(bundles);
            assertThat(server.posts().get(0).body()).contains("Organization/dg-org-001");
            assertThat(server.posts().get(server.posts().size() - 1).body()).contains("dg-enc-");
        }
    }

    @Test
    void load_refusedWith400_throwsWithTheOperationOutcomeText() throws Exception {
        try (RecordingFhirServer server = new RecordingFhirServer()
                .failPostsWith(400, "HAPI-0960: Can not create resource with ID[9000000009], no resource with this ID exists")) {
            Bundle bundle = new SyntheticUkGenerator(5).patients(1).generate().toTransactionBundles(100).get(0);

            assertThatThrownBy(() -> loaderFor(server.base()).load(bundle))
                    .isInstanceOf(FhirLoadException.class)
                    .hasMessageContaining("DG-9102")
                    .hasMessageContaining("HTTP 400")
                    .hasMessageContaining("HAPI-0960")
                    .satisfies(e -> {
                        FhirLoadException failure = (FhirLoadException) e;
                        assertThat(failure.httpStatus()).isEqualTo(400);
                        assertThat(failure.serverMessage()).startsWith("error (processing): HAPI-0960");
                    });
        }
    }

    @Test
    void load_ofABundleThatIsNotATransaction_isRefusedBeforeSending() throws Exception {
        try (RecordingFhirServer server = new RecordingFhirServer()) {
            Bundle collection = new SyntheticUkGenerator(5).patients(1).generate().toCollectionBundle();

            assertThatThrownBy(() -> loaderFor(server.base()).load(collection))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("collection");
            assertThat(server.posts()).isEmpty();
        }
    }

    @Test
    void waitUntilReady_pollsMetadataUntilTheServerAnswers200() throws Exception {
        try (RecordingFhirServer server = new RecordingFhirServer().notReadyFor(3)) {
            loaderFor(server.base()).waitUntilReady(Duration.ofMinutes(1));

            assertThat(server.metadataCalls()).isEqualTo(4);
        }
    }

    @Test
    void waitUntilReady_whenTheServerNeverAnswers200_failsWithTheLastProblem() throws Exception {
        try (RecordingFhirServer server = new RecordingFhirServer().notReadyFor(Integer.MAX_VALUE)) {
            assertThatThrownBy(() -> loaderFor(server.base()).waitUntilReady(Duration.ofMillis(1500)))
                    .isInstanceOf(FhirLoadException.class)
                    .hasMessageContaining("DG-9101")
                    .hasMessageContaining("HTTP 503");
            assertThat(server.metadataCalls()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void waitUntilReady_whenNothingListens_failsWithTheConnectionProblem() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        FhirServerLoader loader = loaderFor(URI.create("http://127.0.0.1:" + freePort + "/fhir"));

        assertThatThrownBy(() -> loader.waitUntilReady(Duration.ofMillis(200)))
                .isInstanceOf(FhirLoadException.class)
                .hasMessageContaining("DG-9101")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void base_dropsATrailingSlash() {
        assertThat(new FhirServerLoader(URI.create("http://localhost:8090/fhir/")).base())
                .isEqualTo(URI.create("http://localhost:8090/fhir"));
        assertThatThrownBy(() -> new FhirServerLoader(URI.create("http://x/fhir")).waitUntilReady(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package org.disclosureguard.synthetic.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.disclosureguard.synthetic.RecordingFhirServer;
import org.disclosureguard.synthetic.SyntheticUkGenerator;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SyntheticDataCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = SyntheticDataCli.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static List<Path> jsonFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void generate_writesPrettyTransactionBundlesHoldingTheWholeDataset(@TempDir Path out) throws IOException {
        int exit = run("generate", "--seed", "42", "--patients", "20", "--max-entries", "30", "--out", out.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<Path> files = jsonFiles(out);
        int expected = new SyntheticUkGenerator(42).patients(20).generate().allResources().size();
        assertThat(files).hasSize((expected + 29) / 30);
        assertThat(files.get(0).getFileName().toString()).isEqualTo("bundle-001.json");
        int entries = 0;
        for (Path file : files) {
            String json = Files.readString(file);
            assertThat(json).contains("\n  \"type\": \"transaction\"");
            Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, json);
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
            entries += bundle.getEntry().size();
        }
        assertThat(entries).isEqualTo(expected);
        assertThat(this.out.toString()).contains("Wrote " + files.size() + " transaction bundles").contains("20 patients");
    }

    @Test
    void generate_intoADirectoryWithOlderBundles_replacesThemAndLeavesOtherFilesAlone(@TempDir Path out) throws IOException {
        Files.writeString(out.resolve("bundle-009.json"), "{}");
        Files.writeString(out.resolve("notes.txt"), "keep me");

        assertThat(run("generate", "--patients", "3", "--out", out.toString())).isZero();

        assertThat(out.resolve("bundle-009.json")).doesNotExist();
        assertThat(out.resolve("bundle-001.json")).exists();
        assertThat(out.resolve("notes.txt")).hasContent("keep me");
    }

    @Test
    void generate_twiceWithTheSameSeed_writesIdenticalFiles(@TempDir Path first, @TempDir Path second) throws IOException {
        assertThat(run("generate", "--seed", "7", "--patients", "15", "--out", first.toString())).isZero();
        assertThat(run("generate", "--seed", "7", "--patients", "15", "--out", second.toString())).isZero();

        List<Path> a = jsonFiles(first);
        List<Path> b = jsonFiles(second);
        assertThat(a).hasSameSizeAs(b).isNotEmpty();
        for (int i = 0; i < a.size(); i++) {
            assertThat(Files.readAllBytes(a.get(i))).isEqualTo(Files.readAllBytes(b.get(i)));
        }
    }

    @Test
    void generate_withoutOut_orWithZeroPatients_isAUsageError(@TempDir Path out) {
        assertThat(run("generate", "--seed", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--out");
        assertThat(run("generate", "--patients", "0", "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--patients must be between 1");
    }

    @Test
    void load_waitsForTheServerAndPostsTheSyntheticAndSharedData() throws IOException {
        Path sharedData = Path.of(System.getProperty("dg.shared.data", "missing")).toAbsolutePath().normalize();
        assertThat(sharedData.resolve("pds")).as("dg.shared.data must point at the shared data folder").isDirectory();
        try (RecordingFhirServer server = new RecordingFhirServer().notReadyFor(1)) {
            int exit = run("load", "--server", server.base().toString(), "--seed", "3", "--patients", "10",
                    "--shared-data", sharedData.toString(), "--wait", "60s", "--max-entries", "500");

            assertThat(exit).as(err.toString()).isZero();
            assertThat(server.metadataCalls()).isEqualTo(2);
            assertThat(server.posts()).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(post -> assertThat(post.contentType()).isEqualTo("application/fhir+json"));
            assertThat(server.posts().get(0).body()).contains("dg-pat-0001");
            assertThat(server.posts()).anySatisfy(post -> assertThat(post.body()).contains("Patient/9000000025"));
            assertThat(out.toString()).contains("Loaded the synthetic dataset").contains("Loaded the shared data");
        }
    }

    @Test
    void load_whenTheServerRefuses_exitsWithOneAndTheServerMessage() throws IOException {
        try (RecordingFhirServer server = new RecordingFhirServer().failPostsWith(422, "Unknown resource type")) {
            int exit = run("load", "--server", server.base().toString(), "--patients", "2", "--wait", "10s");

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("DG-9102").contains("HTTP 422").contains("Unknown resource type");
        }
    }

    @Test
    void parseDuration_acceptsSecondsMinutesMillisecondsAndIso() {
        assertThat(SyntheticDataCli.parseDuration("180s")).isEqualTo(Duration.ofSeconds(180));
        assertThat(SyntheticDataCli.parseDuration("3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(SyntheticDataCli.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SyntheticDataCli.parseDuration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SyntheticDataCli.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> SyntheticDataCli.parseDuration("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}

package org.disclosureguard.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.disclosureguard.synthetic.FhirServerLoader;
import org.disclosureguard.synthetic.SharedDataBundles;
import org.disclosureguard.synthetic.SyntheticDataset;
import org.disclosureguard.synthetic.SyntheticUkGenerator;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The real practice FHIR server (HAPI FHIR JPA on H2, module {@code test-fixtures/practice-server}) running as
 * a separate process for the guard's integration tests, filled with the synthetic UK dataset (seed
 * {@value #SEED}, {@value #PATIENTS} patients) and the shared real data (PDS sandbox and Synthea patients).
 *
 * <p>One server per test JVM: {@link #shared()} starts it on first use, on a free port of 127.0.0.1, and a JVM
 * shutdown hook stops it (with any child processes). The jar comes from the system property
 * {@value #JAR_PROPERTY} (Failsafe sets it), else {@code ../test-fixtures/practice-server/target/practice-server.jar}
 * relative to the plugin module. The server's output goes to {@code target/practice-server-it.log}.
 *
 * <p>Tests may write to the server, but every test class sees what earlier ones wrote: create resources with
 * ids of your own rather than changing the loaded ones.
 *
 * <p>Thread-safe: {@link #shared()} is synchronized and instances are immutable.
 */
public final class PracticeServer {

    /** System property with the path of the practice server's fat jar. */
    public static final String JAR_PROPERTY = "dg.practiceServer.jar";

    /** Seed of the synthetic dataset loaded into the server. */
    public static final long SEED = 42;

    /** Number of synthetic patients loaded into the server. */
    public static final int PATIENTS = 50;

    private static final String DEFAULT_JAR = "../test-fixtures/practice-server/target/practice-server.jar";
    private static final String LOG_FILE = "target/practice-server-it.log";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_ENTRIES_PER_BUNDLE = 100;
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 60;

    private static PracticeServer shared;
    private static RuntimeException startFailure;

    private final URI baseUrl;
    private final Path logFile;
    private final SyntheticDataset syntheticData;

    private PracticeServer(URI baseUrl, Path logFile, SyntheticDataset syntheticData) {
        this.baseUrl = baseUrl;
        this.logFile = logFile;
        this.syntheticData = syntheticData;
    }

    /**
     * The practice server of this JVM, started and loaded on the first call (about 30 to 60 s), at once after.
     *
     * @return the running server, never null
     * @throws IllegalStateException when the jar is missing, the server exits or is not ready within 300 s, or
     *     the data cannot be loaded; the message carries the end of the server's log. Later calls fail the same
     *     way at once instead of trying again.
     */
    public static synchronized PracticeServer shared() {
        if (startFailure != null) {
            throw new IllegalStateException("The practice server failed to start earlier in this JVM: "
                    + startFailure.getMessage(), startFailure);
        }
        if (shared == null) {
            try {
                shared = start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /** The FHIR base URL, {@code http://127.0.0.1:PORT/fhir}, without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** The file that receives the server's standard output and error. */
    public Path logFile() {
        return logFile;
    }

    /** The synthetic dataset that was loaded (seed {@value #SEED}, {@value #PATIENTS} patients). */
    public SyntheticDataset syntheticData() {
        return syntheticData;
    }

    private static PracticeServer start() {
        Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        Path jar = moduleDir.resolve(System.getProperty(JAR_PROPERTY, DEFAULT_JAR)).normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The practice server jar is missing: " + jar + " (system property "
                    + JAR_PROPERTY + "). Build it first: mvn -B -DskipTests install -f "
                    + "test-fixtures/practice-server/pom.xml");
        }
        Path logFile = moduleDir.resolve(LOG_FILE);
        try {
            Files.createDirectories(logFile.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + logFile.getParent(), e);
        }

        Process process = null;
        URI baseUrl = null;
        for (int attempt = 1; baseUrl == null; attempt++) {
            int port = freePort();
            process = launch(jar, port, logFile);
            baseUrl = URI.create("http://127.0.0.1:" + port + "/fhir");
            if (!awaitReady(process, baseUrl, logFile)) {
                // The process exited early. A port taken between choosing it and binding it is worth a retry.
                if (attempt < START_ATTEMPTS && logTail(logFile).contains("already in use")) {
                    baseUrl = null;
                    continue;
                }
                throw new IllegalStateException("The practice server exited with status " + process.exitValue()
                        + " before it was ready (log " + logFile + "):\n" + logTail(logFile));
            }
        }

        try {
            SyntheticDataset dataset = new SyntheticUkGenerator(SEED).patients(PATIENTS).generate();
            FhirServerLoader loader = new FhirServerLoader(baseUrl);
            for (Bundle bundle : dataset.toTransactionBundles(MAX_ENTRIES_PER_BUNDLE)) {
                loader.load(bundle);
            }
            for (Bundle bundle : SharedDataBundles.fromDirectory(SharedData.root())) {
                loader.load(bundle);
            }
            return new PracticeServer(baseUrl, logFile, dataset);
        } catch (RuntimeException e) {
            stop(process.toHandle());
            throw new IllegalStateException("Loading the test data into the practice server at " + baseUrl
                    + " failed: " + e.getMessage() + "\nEnd of the server log " + logFile + ":\n"
                    + logTail(logFile), e);
        }
    }

    private static Process launch(Path jar, int port, Path logFile) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx512m", "-jar", jar.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + String.join(" ", builder.command()), e);
        }
        ProcessHandle handle = process.toHandle();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(handle), "practice-server-stop"));
        return process;
    }

    /**
     * Polls {@code GET [base]/metadata} until it answers 200.
     *
     * @return true when ready, false when the process exited first
     * @throws IllegalStateException when the server is still not ready after {@link #READY_TIMEOUT}
     */
    private static boolean awaitReady(Process process, URI baseUrl, Path logFile) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest metadata = HttpRequest.newBuilder(URI.create(baseUrl + "/metadata"))
                .header("Accept", "application/fhir+json")
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                if (http.send(metadata, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYetListening) {
                // The server is still starting.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(process.toHandle());
                throw new IllegalStateException("Interrupted while waiting for the practice server", e);
            }
            sleep(Duration.ofMillis(500));
        }
        stop(process.toHandle());
        throw new IllegalStateException("The practice server did not answer " + metadata.uri() + " within "
                + READY_TIMEOUT.toSeconds() + " s (log " + logFile + "):\n" + logTail(logFile));
    }

    /** Asks the process and its descendants to stop, and kills whatever still runs after the timeout. */
    private static void stop(ProcessHandle process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process);
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception stillRunningOrInterrupted) {
                handle.destroyForcibly();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on the loopback interface", e);
        }
    }

    private static String logTail(Path logFile) {
        try {
            List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(the log " + logFile + " cannot be read: " + e.getMessage() + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

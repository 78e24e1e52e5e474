package org.disclosureguard.bench.load;

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

/**
 * The server processes of one harness run. Every process started here is stopped, with its descendants, by
 * {@link #close()} and, should the harness end some other way, by a JVM shutdown hook. Thread-safe.
 */
final class ChildProcesses implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 40;

    /** A started server process. */
    record Child(String name, Process process, Path log) {
        long pid() {
            return process.pid();
        }
    }

    private final List<Child> children = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "load-harness-stop");

    ChildProcesses() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a process with its standard output and error going to {@code log}. */
    synchronized Child start(String name, List<String> command, Path log) {
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Child child = new Child(name, process, log);
            children.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /**
     * Polls {@code GET url} until it answers 200.
     *
     * @throws IllegalStateException if the process exits first or is not ready in time; with the end of its log
     */
    static void awaitReady(Child child, URI url, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(url).header("Accept", "application/fhir+json")
                .timeout(Duration.ofSeconds(10)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.process().isAlive()) {
                throw new IllegalStateException(child.name() + " exited with status " + child.process().exitValue()
                        + " before it was ready (log " + child.log() + "):\n" + logTail(child.log()));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // Still starting.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + child.name(), e);
            }
            sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException(child.name() + " did not answer " + url + " within " + timeout.toSeconds()
                + " s (log " + child.log() + "):\n" + logTail(child.log()));
    }

    /** A port on the loopback interface that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on the loopback interface", e);
        }
    }

    static String logTail(Path log) {
        try {
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(the log " + log + " cannot be read: " + e.getMessage() + ")";
        }
    }

    /** Stops every process started here, and its descendants. */
    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run.
        }
    }

    private synchronized void stopAll() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Child child : children) {
            ProcessHandle handle = child.process().toHandle();
            all.addAll(handle.descendants().toList());
            all.add(handle);
        }
        children.clear();
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception stillRunningOrInterrupted) {
                handle.destroyForcibly();
            }
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

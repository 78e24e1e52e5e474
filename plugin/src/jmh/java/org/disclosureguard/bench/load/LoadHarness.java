package org.disclosureguard.bench.load;

import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end load benchmark of the guard, one command (see {@code docs/performance.md}):
 *
 * <ol>
 *   <li>starts the practice server (HAPI FHIR JPA on H2) on a free loopback port and loads it with the PDS
 *       sandbox patient, the synthetic UK patients and the 1,144 Synthea patients ({@link PracticeData});
 *   <li>starts three proxies in front of it, each its own JVM on this JVM's class path with
 *       {@code -Xmx512m} and a {@link HeapProbe}: L1 {@link PassThroughApplication}, L2 the guard with an empty
 *       label configuration, L3 the guard with its defaults;
 *   <li>for each {@link Workload}: a warm-up at every level, then the measured requests in rounds in which the
 *       levels take turns, reading each guard's and the practice server's CPU time from {@code /proc} and the
 *       guard's peak heap from its probe around every round;
 *   <li>the memory check: simultaneous 1,000-patient searches against L3;
 *   <li>prints a Markdown report and writes it to {@code dg.load.output}.
 * </ol>
 *
 * <p>Every answer is checked ({@link ResponseCheck}); the first wrong one ends the run with an error. Every
 * process started is stopped at the end, on failure and on Ctrl-C. Settings: {@link LoadSettings}.
 */
public final class LoadHarness {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    private static final String FLOOR_LABELS = "version: 1\nrules: []\n";

    /** A proxy's heap since the last reset, in bytes (see {@link HeapProbe}). */
    record Heap(long peak, long live) {
        static final Heap NONE = new Heap(-1, -1);
    }

    /** A level's entry point. */
    private record Target(Level level, URI base, ChildProcesses.Child process, URI probe, HttpClient http) {}

    private final LoadSettings settings;
    private final ProcessCpu cpu;
    private final HttpClient probeClient = HttpClient.newHttpClient();
    private ChildProcesses.Child practice;

    private LoadHarness(LoadSettings settings, ProcessCpu cpu) {
        this.settings = settings;
        this.cpu = cpu;
    }

    public static void main(String[] args) {
        quietLogging();
        int status = 0;
        try (ChildProcesses children = new ChildProcesses()) {
            new LoadHarness(LoadSettings.fromSystemProperties(), ProcessCpu.linux()).run(children);
        } catch (RuntimeException e) {
            System.err.println("The load benchmark failed: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private void run(ChildProcesses children) {
        long started = System.nanoTime();
        Path work = settings.workDirectory();
        Path floorLabels = work.resolve("floor-labels.yaml");
        Path tmp = work.resolve("tmp");
        try {
            Files.createDirectories(tmp);
            Files.writeString(floorLabels, FLOOR_LABELS, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + floorLabels, e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        int practicePort = ChildProcesses.freePort();
        URI practiceBase = URI.create("http://127.0.0.1:" + practicePort + "/fhir");
        practice = children.start("the practice server", List.of(java, "-Xmx" + settings.practiceHeap(), "-jar",
                settings.practiceServerJar().toString(), "--server.port=" + practicePort,
                "--server.address=127.0.0.1", "--practice.page-size.max=1000"), work.resolve("practice-server.log"));

        Map<Level, Target> targets = new EnumMap<>(Level.class);
        targets.put(Level.L0, new Target(Level.L0, practiceBase, null, null, LoadDriver.newClient()));
        for (Level level : List.of(Level.L1, Level.L2, Level.L3)) {
            int port = ChildProcesses.freePort();
            int probePort = ChildProcesses.freePort();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx" + settings.guardHeap(),
                    "-D" + GuardLauncher.PROBE_PORT + "=" + probePort, "-Djava.io.tmpdir=" + tmp));
            command.addAll(settings.guardJvmOptions());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    GuardLauncher.class.getName(),
                    level == Level.L1 ? PassThroughApplication.class.getName()
                            : "org.disclosureguard.app.DisclosureGuardApplication",
                    "--server.port=" + port, "--server.address=127.0.0.1",
                    "--guard.upstream.base-url=" + practiceBase));
            if (level == Level.L2) {
                command.add("--guard.labels.file=" + floorLabels);
            }
            if (level != Level.L1) {
                // Each guard keeps its own audit database (and keys), new for every run: two guards cannot share
                // one embedded H2 file, and every answer is committed to the audit chain before it is written.
                Path data = work.resolve(level.name() + "-data");
                deleteRecursively(data);
                command.add("--guard.data-dir=" + data);
            }
            ChildProcesses.Child child = children.start(level.title(), command,
                    work.resolve(level.name() + ".log"));
            targets.put(level, new Target(level, URI.create("http://127.0.0.1:" + port + "/fhir"), child,
                    URI.create("http://127.0.0.1:" + probePort), LoadDriver.newClient()));
        }

        ChildProcesses.awaitReady(practice, URI.create(practiceBase + "/metadata"), START_TIMEOUT);
        log("practice server ready at %s after %.0f s; loading data", practiceBase, seconds(started));
        int patients = PracticeData.load(practiceBase, settings.sharedData());
        log("loaded %d patients after %.0f s", patients, seconds(started));
        for (Level level : List.of(Level.L1, Level.L2, Level.L3)) {
            Target target = targets.get(level);
            ChildProcesses.awaitReady(target.process(), URI.create(target.base() + "/metadata"), START_TIMEOUT);
        }
        log("proxies ready after %.0f s", seconds(started));

        for (Workload workload : settings.workloads()) {
            for (Level level : workload.levels()) {
                Target target = targets.get(level);
                LoadDriver.run(target.http(), request(target, workload), 1, 1,
                        response -> ResponseCheck.check(workload, level, response));
            }
        }
        log("every workload answers correctly at every level");

        double loadBefore = waitForQuiet();
        long measuring = System.nanoTime();
        Map<Workload, Map<Level, Cell>> results = new EnumMap<>(Workload.class);
        Map<Workload, Double> otherCpuShare = new EnumMap<>(Workload.class);
        for (Workload workload : settings.workloads()) {
            results.put(workload, measure(workload, targets, otherCpuShare));
        }
        LoadReport.MemoryCheck memory = settings.memoryCheckConcurrency() > 0
                ? memoryCheck(targets.get(Level.L3)) : null;
        double loadAfter = ProcessCpu.loadAverage();
        log("measured in %.0f s; whole run %.0f s", (System.nanoTime() - measuring) / 1e9, seconds(started));

        String report = new LoadReport(settings, patients, cpu.millisPerTick(), loadBefore, loadAfter, results,
                otherCpuShare, memory).markdown();
        System.out.println();
        System.out.println(report);
        try {
            Files.createDirectories(settings.output().getParent());
            Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + settings.output(), e);
        }
        log("report written to %s", settings.output());
    }

    private Map<Level, Cell> measure(Workload workload, Map<Level, Target> targets,
            Map<Workload, Double> otherCpuShare) {
        List<Level> levels = workload.levels();
        int warmup = settings.warmup().get(workload);
        for (Level level : levels) {
            Target target = targets.get(level);
            if (warmup > 0) {
                LoadDriver.run(target.http(), request(target, workload), warmup, settings.concurrency(),
                        response -> ResponseCheck.check(workload, level, response));
            }
        }
        Map<Level, Cell> cells = new EnumMap<>(Level.class);
        levels.forEach(level -> cells.put(level, new Cell()));
        int total = settings.requests().get(workload);
        int perRound = (total + settings.rounds() - 1) / settings.rounds();
        double elapsedMillis = 0;
        double otherMillis = 0;
        for (int round = 0; round < settings.rounds(); round++) {
            int count = Math.min(perRound, total - round * perRound);
            if (count <= 0) {
                break;
            }
            for (int i = 0; i < levels.size(); i++) {
                Level level = levels.get((i + round) % levels.size());
                Target target = targets.get(level);
                if (target.probe() != null) {
                    probe(target, "reset");
                }
                double guardBefore = target.process() == null ? 0 : cpu.millis(target.process().pid());
                ProcessCpu.Split splitBefore = target.process() == null ? null : cpu.split(target.process().pid());
                double practiceBefore = cpu.millis(practice.pid());
                double oursBefore = oursMillis(targets);
                double machineBefore = cpu.machineBusyMillis();
                LoadDriver.Sample sample = LoadDriver.run(target.http(), request(target, workload), count,
                        settings.concurrency(), response -> ResponseCheck.check(workload, level, response));
                double machine = cpu.machineBusyMillis() - machineBefore;
                double ours = oursMillis(targets) - oursBefore;
                double practiceCpu = cpu.millis(practice.pid()) - practiceBefore;
                double guardCpu = target.process() == null ? Double.NaN
                        : cpu.millis(target.process().pid()) - guardBefore;
                ProcessCpu.Split split = target.process() == null ? new ProcessCpu.Split(Double.NaN, Double.NaN)
                        : cpu.split(target.process().pid()).minus(splitBefore);
                Heap heap = target.probe() == null ? Heap.NONE : probe(target, "heap");
                cells.get(level).add(sample, guardCpu, split, practiceCpu, heap);
                log("  round %d %-16s %5d requests  guard CPU %8.3f ms/req (JIT %7.3f, GC %7.3f)  practice server"
                        + " CPU %8.3f ms/req", round + 1, level.title(), count, guardCpu / count, split.jit() / count,
                        split.gc() / count, practiceCpu / count);
                elapsedMillis += sample.wallNanos() / 1e6;
                otherMillis += Math.max(0, machine - ours);
            }
        }
        otherCpuShare.put(workload, otherMillis / (elapsedMillis * Runtime.getRuntime().availableProcessors()));
        for (Level level : levels) {
            Cell cell = cells.get(level);
            log("%-45s %-16s %6.1f req/s  p50 %8.2f ms  p99 %8.2f ms  guard CPU %7.3f ms/req (JIT %7.3f, GC %7.3f)",
                    workload.title(), level.title(), cell.throughput(), cell.latencyMillis(0.5),
                    cell.latencyMillis(0.99), cell.guardCpuPerRequest(), cell.jitCpuPerRequest(),
                    cell.gcCpuPerRequest());
        }
        return cells;
    }

    /** CPU time of every process of this run: the harness, the practice server and the proxies. */
    private double oursMillis(Map<Level, Target> targets) {
        double sum = cpu.millis(ProcessHandle.current().pid()) + cpu.millis(practice.pid());
        for (Target target : targets.values()) {
            if (target.process() != null) {
                sum += cpu.millis(target.process().pid());
            }
        }
        return sum;
    }

    private LoadReport.MemoryCheck memoryCheck(Target l3) {
        int n = settings.memoryCheckConcurrency();
        probe(l3, "reset");
        HttpRequest request = request(l3, Workload.SEARCH_1000);
        String[] outcomes = new String[n];
        long[] latencies = new long[n];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    long begin = System.nanoTime();
                    HttpResponse<byte[]> response = l3.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
                    latencies[index] = System.nanoTime() - begin;
                    ResponseCheck.check(Workload.SEARCH_1000, Level.L3, response);
                    outcomes[index] = "200";
                } catch (IOException | RuntimeException e) {
                    outcomes[index] = "failed: " + e.getMessage();
                } catch (InterruptedException e) {
                    outcomes[index] = "interrupted";
                    Thread.currentThread().interrupt();
                }
            }, "memory-check-" + i);
            threads.add(thread);
            thread.start();
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        long wall = System.nanoTime() - begin;
        boolean alive = l3.process().process().isAlive();
        Heap heap = alive ? probe(l3, "heap") : Heap.NONE;
        LoadReport.MemoryCheck check = new LoadReport.MemoryCheck(n, List.of(outcomes), heap, wall / 1e9,
                java.util.Arrays.stream(latencies).max().orElse(0) / 1e9, alive);
        log("memory check: %s", check.summary());
        return check;
    }

    private static HttpRequest request(Target target, Workload workload) {
        return HttpRequest.newBuilder(URI.create(target.base() + "/" + workload.path()))
                .header("Accept", "application/fhir+json")
                .timeout(Duration.ofSeconds(120))
                .GET()
                .build();
    }

    /** Asks a proxy's heap probe. */
    private Heap probe(Target target, String what) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target.probe() + "/" + what))
                .timeout(Duration.ofSeconds(60));
        HttpRequest request = what.equals("reset") ? builder.POST(HttpRequest.BodyPublishers.noBody()).build()
                : builder.GET().build();
        try {
            HttpResponse<String> response = probeClient.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().startsWith("peak=")) {
                throw new IllegalStateException("the heap probe of " + target.level().title() + " answered "
                        + response.statusCode() + " " + response.body());
            }
            Map<String, Long> values = new java.util.HashMap<>();
            for (String pair : response.body().trim().split(" ")) {
                values.put(pair.substring(0, pair.indexOf('=')), Long.parseLong(pair.substring(pair.indexOf('=') + 1)));
            }
            return new Heap(values.get("peak"), values.get("live"));
        } catch (IOException e) {
            throw new UncheckedIOException("the heap probe of " + target.level().title() + " cannot be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits (bounded) until the 1-minute load average falls below the setting; returns the last reading. */
    private double waitForQuiet() {
        long deadline = System.nanoTime() + settings.quietMaxWait().toNanos();
        double load = ProcessCpu.loadAverage();
        while (load >= settings.quietLoad() && System.nanoTime() < deadline) {
            log("load average %.2f, waiting for it to fall below %.2f", load, settings.quietLoad());
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            load = ProcessCpu.loadAverage();
        }
        log("load average %.2f; measuring", load);
        return load;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println("[load] " + String.format(Locale.ROOT, format, args));
    }

    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
            // The shared-data reader reports each reference it drops; only the PDS patient is used here.
            logback.getLogger("org.disclosureguard.synthetic").setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear " + dir, e);
        }
    }
}

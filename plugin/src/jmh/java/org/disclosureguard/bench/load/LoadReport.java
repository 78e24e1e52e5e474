package org.disclosureguard.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders one run as Markdown: the machine, the settings, the table, and the ratios the issue asks for. */
final class LoadReport {

    /** The outcome of the simultaneous 1,000-patient searches against L3. */
    record MemoryCheck(int requests, List<String> outcomes, LoadHarness.Heap heap, double wallSeconds,
            double slowestSeconds, boolean guardAlive) {

        boolean passed() {
            return guardAlive && outcomes.stream().allMatch("200"::equals);
        }

        String summary() {
            long ok = outcomes.stream().filter("200"::equals).count();
            String failures = outcomes.stream().filter(o -> !"200".equals(o)).findFirst()
                    .map(o -> "; first failure: " + o).orElse("");
            return String.format(Locale.ROOT, "%d of %d answered 200 with 1,000 labelled entries in %.1f s "
                    + "(slowest %.1f s), guard peak heap %s MiB, %s MiB after GC%s%s", ok, requests, wallSeconds,
                    slowestSeconds, mib(heap.peak()), mib(heap.live()), guardAlive ? "" : ", the guard process died",
                    failures);
        }
    }

    private final LoadSettings settings;
    private final int patients;
    private final double millisPerTick;
    private final double loadBefore;
    private final double loadAfter;
    private final Map<Workload, Map<Level, Cell>> results;
    private final Map<Workload, Double> otherCpuShare;
    private final MemoryCheck memory;

    LoadReport(LoadSettings settings, int patients, double millisPerTick, double loadBefore, double loadAfter,
            Map<Workload, Map<Level, Cell>> results, Map<Workload, Double> otherCpuShare, MemoryCheck memory) {
        this.settings = settings;
        this.patients = patients;
        this.millisPerTick = millisPerTick;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.results = results;
        this.otherCpuShare = otherCpuShare;
        this.memory = memory;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Load benchmark: direct (L0), pass-through (L1), floor (L2), full guard (L3)\n\n");
        md.append("- Date: ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME
                .withLocale(Locale.ROOT)).replaceAll("\\.[0-9]+", "")).append('\n');
        md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc), CPU `")
                .append(cpuModel()).append("`, ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append('\n');
        md.append("- Java: `").append(javaVersion()).append("`\n");
        md.append("- Practice server: HAPI FHIR JPA on in-memory H2, `-Xmx").append(settings.practiceHeap())
                .append("`, ").append(patients).append(" patients. Proxies: `-Xmx").append(settings.guardHeap())
                .append("` each")
                .append(settings.guardJvmOptions().isEmpty() ? ""
                        : " with `" + String.join(" ", settings.guardJvmOptions()) + "`")
                .append(", default GC.\n");
        md.append("- Requests: ").append(settings.concurrency()).append(" in flight, HTTP/1.1 keep-alive, ")
                .append(settings.rounds()).append(" rounds with the levels taking turns. Warm-up / measured requests"
                        + " per level: ");
        md.append(String.join(", ", settings.workloads().stream().map(w -> w.key() + " "
                + settings.warmup().get(w) + " / " + settings.requests().get(w)).toList())).append('\n');
        md.append(String.format(Locale.ROOT, "- Load average (1 min): %.2f when measuring began, %.2f at the end. "
                + "CPU used by processes outside this run while measuring: ", loadBefore, loadAfter));
        md.append(String.join(", ", otherCpuShare.entrySet().stream().map(e -> String.format(Locale.ROOT,
                "%s %.0f%%", e.getKey().key(), 100 * e.getValue())).toList()))
                .append(" of the machine.\n");
        md.append(String.format(Locale.ROOT, "- CPU time comes from /proc in ticks of %.0f ms, per level and "
                + "workload over all its measured requests. Heap: the highest occupancy before (peak) and after a "
                + "garbage collection within each round, highest round (n/a: no collection).%n%n",
                millisPerTick));

        md.append("| workload | level | requests | req/s | p50 ms | p99 ms | guard CPU ms/req "
                + "| of which JIT / GC threads | practice server CPU ms/req | guard heap MiB: peak / after GC |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<Workload, Map<Level, Cell>> row : results.entrySet()) {
            Workload workload = row.getKey();
            for (Level level : Level.values()) {
                Cell cell = row.getValue().get(level);
                if (cell == null) {
                    md.append("| ").append(workload.title()).append(" | ").append(level.title())
                            .append(" | n/a | | | | | | | |\n");
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.2f | %.2f | %s | %s | %.2f | %s |%n",
                        workload.title(), level.title(), cell.requests(), cell.throughput(), cell.latencyMillis(0.5),
                        cell.latencyMillis(0.99), millis(cell.guardCpuPerRequest()),
                        Double.isNaN(cell.jitCpuPerRequest()) ? "n/a"
                                : millis(cell.jitCpuPerRequest()) + " / " + millis(cell.gcCpuPerRequest()),
                        cell.practiceCpuPerRequest(),
                        cell.peakHeapBytes() < 0 ? "n/a" : mib(cell.peakHeapBytes()) + " / " + mib(cell.liveHeapBytes())));
            }
        }

        md.append("\nThe issue's measures. CPU ratios are given for the whole guard process and, after the slash, "
                + "without its JIT compiler threads (what is left once the code is compiled); \"met\" answers for "
                + "both in the same order.\n\n");
        md.append("| measure | this run | threshold | met |\n|---|---:|---:|---|\n");
        cpuRatio(md, Workload.SEARCH_100);
        cpuRatio(md, Workload.SEARCH_1000);
        cpuRatio(md, Workload.PDS_READ);
        cpuRatio(md, Workload.GENERATED_READ);
        addedLatency(md, Workload.SEARCH_100);
        addedLatency(md, Workload.PDS_READ);
        addedLatency(md, Workload.GENERATED_READ);
        refusal(md, Workload.PDS_READ);
        refusal(md, Workload.GENERATED_READ);
        if (memory != null) {
            md.append("| ").append(memory.requests()).append(" simultaneous 1,000-patient searches, L3 with `-Xmx")
                    .append(settings.guardHeap()).append("` | ").append(memory.summary()).append(" | all 200 | ")
                    .append(memory.passed() ? "yes" : "**no**").append(" |\n");
        }
        return md.toString();
    }

    private void cpuRatio(StringBuilder md, Workload workload) {
        double threshold = workload.kind() == Workload.Kind.SEARCH ? 1.5 : 2.0;
        Cell l2 = cell(workload, Level.L2);
        Cell l3 = cell(workload, Level.L3);
        if (l2 == null || l3 == null) {
            return;
        }
        double all = l3.guardCpuPerRequest() / l2.guardCpuPerRequest();
        double withoutJit = l3.guardCpuWithoutJitPerRequest() / l2.guardCpuWithoutJitPerRequest();
        md.append(String.format(Locale.ROOT, "| guard CPU per request L3 / L2, %s | %.2f / %.2f (L3 %.3f / %.3f ms, "
                + "L2 %.3f / %.3f ms) | ≤ %.1f | %s / %s |%n", workload.title(), all, withoutJit,
                l3.guardCpuPerRequest(), l3.guardCpuWithoutJitPerRequest(), l2.guardCpuPerRequest(),
                l2.guardCpuWithoutJitPerRequest(), threshold, yes(all <= threshold), yes(withoutJit <= threshold)));
    }

    private void addedLatency(StringBuilder md, Workload workload) {
        Cell l0 = cell(workload, Level.L0);
        Cell l3 = cell(workload, Level.L3);
        if (l0 == null || l3 == null) {
            return;
        }
        double added = l3.latencyMillis(0.5) / l0.latencyMillis(0.5) - 1;
        md.append(String.format(Locale.ROOT, "| p50 latency added by L3 over L0, %s | %+.1f%% (%.2f vs %.2f ms) "
                + "| ≤ 10%% | %s |%n", workload.title(), 100 * added, l3.latencyMillis(0.5), l0.latencyMillis(0.5),
                yes(added <= 0.10)));
    }

    private void refusal(StringBuilder md, Workload passThrough) {
        Cell refused = cell(Workload.REFUSAL, Level.L3);
        Cell relayed = cell(passThrough, Level.L1);
        if (refused == null || relayed == null) {
            return;
        }
        double all = refused.guardCpuPerRequest() / relayed.guardCpuPerRequest();
        double withoutJit = refused.guardCpuWithoutJitPerRequest() / relayed.guardCpuWithoutJitPerRequest();
        md.append(String.format(Locale.ROOT, "| guard CPU of a refusal at L3 / a pass-through at L1 (%s) "
                + "| %.2f / %.2f (refusal %.3f / %.3f ms, pass-through %.3f / %.3f ms) | < 1 | %s / %s |%n",
                passThrough.title(), all, withoutJit, refused.guardCpuPerRequest(),
                refused.guardCpuWithoutJitPerRequest(), relayed.guardCpuPerRequest(),
                relayed.guardCpuWithoutJitPerRequest(), yes(all < 1), yes(withoutJit < 1)));
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }

    private Cell cell(Workload workload, Level level) {
        Map<Level, Cell> row = results.get(workload);
        return row == null ? null : row.get(level);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String javaVersion() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
            return String.join("; ", out.lines().toList());
        } catch (IOException e) {
            return System.getProperty("java.runtime.version");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return System.getProperty("java.runtime.version");
        }
    }
}

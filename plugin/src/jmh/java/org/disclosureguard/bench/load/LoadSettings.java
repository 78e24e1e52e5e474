package org.disclosureguard.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the harness can be told, from system properties, with the defaults used for the figures in
 * {@code docs/performance.md}. Relative paths are taken from the working directory (the plugin module when Maven
 * runs the harness). Immutable.
 *
 * @param sharedData {@code dg.shared.data}: the directory holding {@code pds/} and {@code synthea/}
 * @param practiceServerJar {@code dg.practiceServer.jar}: the practice server's fat jar
 * @param output {@code dg.load.output}: the Markdown report
 * @param workDirectory {@code dg.load.workdir}: process logs and the floor's label file
 * @param concurrency {@code dg.load.concurrency}: requests in flight at once during warm-up and measurement
 * @param rounds {@code dg.load.rounds}: the measured requests of each level are split into this many rounds,
 *     the levels taking turns in a rotating order, so that drift and passing noise spread over all levels
 * @param warmup {@code dg.load.<workload>.warmup}: unmeasured requests per level before the measured rounds
 * @param requests {@code dg.load.<workload>.requests}: measured requests per level, over all rounds
 * @param workloads {@code dg.load.workloads}: the workloads to run, comma-separated names (default all)
 * @param memoryCheckConcurrency {@code dg.load.memory.concurrency}: simultaneous 1,000-patient searches
 *     against L3 in the memory check (0 skips it)
 * @param quietLoad {@code dg.load.quiet.load}: before measuring, wait until the 1-minute load average is
 *     below this
 * @param quietMaxWait {@code dg.load.quiet.maxWaitSeconds}: but no longer than this
 * @param practiceHeap {@code dg.load.practice.xmx}: the practice server's {@code -Xmx}
 * @param guardHeap {@code dg.load.guard.xmx}: each guard process's {@code -Xmx}
 * @param guardJvmOptions {@code dg.load.guard.jvmArgs}: further JVM options for the three proxies, separated by
 *     commas or spaces (default none), for example {@code -Xms512m} to compare heap settings
 */
record LoadSettings(Path sharedData, Path practiceServerJar, Path output, Path workDirectory, int concurrency,
        int rounds, Map<Workload, Integer> warmup, Map<Workload, Integer> requests, List<Workload> workloads,
        int memoryCheckConcurrency, double quietLoad, Duration quietMaxWait, String practiceHeap,
        String guardHeap, List<String> guardJvmOptions) {

    private static final Map<String, int[]> DEFAULT_COUNTS = Map.of(
            "pdsRead", new int[] {3000, 1500},
            "generatedRead", new int[] {500, 1500},
            "search100", new int[] {60, 90},
            "search1000", new int[] {5, 12},
            "refusal", new int[] {2000, 3000});

    static LoadSettings fromSystemProperties() {
        Map<Workload, Integer> warmup = new EnumMap<>(Workload.class);
        Map<Workload, Integer> requests = new EnumMap<>(Workload.class);
        for (Workload workload : Workload.values()) {
            int[] defaults = DEFAULT_COUNTS.get(workload.key());
            warmup.put(workload, integer("dg.load." + workload.key() + ".warmup", defaults[0], 0));
            requests.put(workload, integer("dg.load." + workload.key() + ".requests", defaults[1], 1));
        }
        List<Workload> workloads = new ArrayList<>();
        String chosen = System.getProperty("dg.load.workloads", "").trim();
        if (chosen.isEmpty()) {
            workloads.addAll(List.of(Workload.values()));
        } else {
            for (String name : chosen.split(",")) {
                workloads.add(Workload.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            }
        }
        Path jar = path("dg.practiceServer.jar", "../test-fixtures/practice-server/target/practice-server.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The practice server jar is missing: " + jar
                    + ". Build the project first (mvn -B -DskipTests install) or set -Ddg.practiceServer.jar.");
        }
        Path data = path("dg.shared.data", "../../shared/data");
        if (!Files.isRegularFile(data.resolve(PracticeData.SYNTHEA_FILE))) {
            throw new IllegalStateException("The shared FHIR data is not at " + data
                    + ": set -Ddg.shared.data=<directory holding pds/ and synthea/>");
        }
        return new LoadSettings(data, jar, path("dg.load.output", "target/load-result.md"),
                path("dg.load.workdir", "target/bench/load"),
                integer("dg.load.concurrency", 1, 1), integer("dg.load.rounds", 3, 1), warmup, requests,
                List.copyOf(workloads), integer("dg.load.memory.concurrency", 8, 0),
                Double.parseDouble(System.getProperty("dg.load.quiet.load", "1.5")),
                Duration.ofSeconds(integer("dg.load.quiet.maxWaitSeconds", 180, 0)),
                System.getProperty("dg.load.practice.xmx", "1g"), System.getProperty("dg.load.guard.xmx", "512m"),
                List.of(System.getProperty("dg.load.guard.jvmArgs", "").trim().split("[ ,]+")).stream()
                        .filter(option -> !option.isEmpty()).toList());
    }

    private static Path path(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    }

    private static int integer(String property, int fallback, int minimum) {
        String text = System.getProperty(property);
        int value = text == null || text.isBlank() ? fallback : Integer.parseInt(text.trim());
        if (value < minimum) {
            throw new IllegalArgumentException(property + " must be at least " + minimum + ", was " + value);
        }
        return value;
    }
}

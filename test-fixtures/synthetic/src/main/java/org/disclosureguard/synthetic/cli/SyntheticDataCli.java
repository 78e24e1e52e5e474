package org.disclosureguard.synthetic.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.disclosureguard.synthetic.FhirLoadException;
import org.disclosureguard.synthetic.FhirServerLoader;
import org.disclosureguard.synthetic.LoadSummary;
import org.disclosureguard.synthetic.SharedDataBundles;
import org.disclosureguard.synthetic.SyntheticDataset;
import org.disclosureguard.synthetic.SyntheticUkGenerator;
import org.hl7.fhir.r4.model.Bundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code synthetic-uk-data} command line.
 *
 * <pre>
 * java -jar synthetic-uk-data-cli.jar generate --seed 42 --patients 50 --out target/synthetic
 * java -jar synthetic-uk-data-cli.jar load --server http://localhost:8090/fhir --shared-data ../shared/data --wait 180s
 * </pre>
 *
 * <p>Exit codes: 0 success, 1 a failure while writing or loading (the message says which), 2 bad usage.
 * Each command instance is used once, from one thread.
 */
@Command(
        name = "synthetic-uk-data",
        mixinStandardHelpOptions = true,
        versionProvider = SyntheticDataCli.Version.class,
        description = "Generates synthetic UK GP patients as FHIR R4 transaction bundles and loads them into a FHIR server.",
        subcommands = {SyntheticDataCli.Generate.class, SyntheticDataCli.Load.class, CommandLine.HelpCommand.class})
public final class SyntheticDataCli implements Runnable {

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /**
     * Builds the configured picocli command line, for callers (and tests) that want the exit code instead
     * of an exiting JVM.
     *
     * @return a new command line
     */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new SyntheticDataCli());
        commandLine.registerConverter(Duration.class, SyntheticDataCli::parseDuration);
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof FhirLoadException || exception instanceof IOException
                    || exception instanceof UncheckedIOException || exception instanceof IllegalArgumentException) {
                failed.getErr().println(failed.getColorScheme().errorText(exception.getMessage()));
                failed.getErr().flush();
                return 1;
            }
            throw exception;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: generate or load");
    }

    /**
     * Parses a duration written as {@code 180s}, {@code 3m}, {@code 500ms}, {@code 1h} or ISO-8601
     * ({@code PT3M}); a bare number means seconds.
     *
     * @param text the text to parse
     * @return the duration
     * @throws CommandLine.TypeConversionException when the text is none of these
     */
    static Duration parseDuration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration; write for example 180s, 3m, 500ms or PT3M");
        }
    }

    /** Options shared by the subcommands that generate the synthetic dataset (a picocli mixin). */
    static final class DatasetOptions {
        @Spec(Spec.Target.MIXEE)
        private CommandSpec mixee;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--patients", defaultValue = "50", description = "Number of patients (default: ${DEFAULT-VALUE}).")
        int patients;

        @Option(names = "--max-entries", defaultValue = "100",
                description = "Most entries in one transaction bundle (default: ${DEFAULT-VALUE}).")
        int maxEntries;

        SyntheticDataset generate() {
            if (patients < 1 || patients > SyntheticUkGenerator.MAX_PATIENTS) {
                throw new CommandLine.ParameterException(mixee.commandLine(),
                        "--patients must be between 1 and " + SyntheticUkGenerator.MAX_PATIENTS + ", got " + patients);
            }
            if (maxEntries < 1) {
                throw new CommandLine.ParameterException(mixee.commandLine(),
                        "--max-entries must be at least 1, got " + maxEntries);
            }
            return new SyntheticUkGenerator(seed).patients(patients).generate();
        }
    }

    /** {@code generate}: writes the transaction bundles as pretty-printed JSON files. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Writes the synthetic dataset as transaction bundles (bundle-001.json, ...) into a directory,"
                    + " replacing bundle files left there by an earlier run.")
    static final class Generate implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @CommandLine.Mixin
        private DatasetOptions dataset;

        @Option(names = "--out", required = true, description = "Directory to write the bundles to (created if missing).")
        private Path out;

        @Override
        public Integer call() throws IOException {
            SyntheticDataset data = dataset.generate();
            List<Bundle> bundles = data.toTransactionBundles(dataset.maxEntries);
            Files.createDirectories(out);
            // Bundles left by an earlier, larger run would otherwise be loaded with this one.
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(out, "bundle-[0-9][0-9][0-9].json")) {
                for (Path file : stale) {
                    Files.delete(file);
                }
            }
            IParser parser = FhirContext.forR4Cached().newJsonParser().setPrettyPrint(true);
            List<Path> written = new ArrayList<>();
            for (int i = 0; i < bundles.size(); i++) {
                Path file = out.resolve(String.format(Locale.ROOT, "bundle-%03d.json", i + 1));
                Files.writeString(file, parser.encodeResourceToString(bundles.get(i)) + "\n", StandardCharsets.UTF_8);
                written.add(file);
            }
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "Wrote %d transaction bundles (%d patients, %d resources, seed %d) to %s%n",
                    written.size(), data.patients().size(), data.allResources().size(), data.seed(), out);
            stdout.flush();
            return 0;
        }
    }

    /** {@code load}: waits for a server, then loads the synthetic and optionally the shared data. */
    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Waits for a FHIR server, then loads the synthetic dataset and, if given, the shared real-world data.")
    static final class Load implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @CommandLine.Mixin
        private DatasetOptions dataset;

        @Option(names = "--server", required = true, description = "FHIR base URL, e.g. http://localhost:8090/fhir.")
        private URI server;

        @Option(names = "--shared-data", description = "Shared-data directory (holding pds/ and synthea/) to load as well.")
        private Path sharedData;

        @Option(names = "--wait", defaultValue = "180s",
                description = "How long to wait for GET [server]/metadata to answer 200 (default: ${DEFAULT-VALUE}).")
        private Duration wait;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            FhirServerLoader loader = new FhirServerLoader(server);
            loader.waitUntilReady(wait);
            SyntheticDataset data = dataset.generate();
            List<LoadSummary> synthetic = loader.loadAll(data.toTransactionBundles(dataset.maxEntries));
            stdout.printf(Locale.ROOT, "Loaded the synthetic dataset (seed %d, %d patients): %d bundles, %d entries%n",
                    data.seed(), data.patients().size(), synthetic.size(), entries(synthetic));
            if (sharedData != null) {
                List<LoadSummary> shared = loader.loadAll(SharedDataBundles.fromDirectory(sharedData, dataset.maxEntries));
                stdout.printf(Locale.ROOT, "Loaded the shared data from %s: %d bundles, %d entries%n",
                        sharedData, shared.size(), entries(shared));
            }
            stdout.flush();
            return 0;
        }

        private static int entries(List<LoadSummary> summaries) {
            return summaries.stream().mapToInt(LoadSummary::entries).sum();
        }
    }

    /** Reports the module version from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SyntheticDataCli.class.getPackage().getImplementationVersion();
            return new String[] {"synthetic-uk-data " + (version == null ? "(development build)" : version)};
        }
    }
}

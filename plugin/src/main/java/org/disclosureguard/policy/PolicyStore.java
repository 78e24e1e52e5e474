package org.disclosureguard.policy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.disclosureguard.config.ConfigException;

/**
 * Holds the policy in force and replaces it without a restart. {@link #reload(Path)} compiles the new file first
 * and swaps it in atomically only if it is valid; otherwise the last good policy stays in force and the failure is
 * returned and remembered ({@link #lastFailure()}). Reloading never throws into its caller.
 *
 * <p>Callers that decide a request and then its resources should take {@link #current()} once and use that engine
 * for the whole request, so that one request is decided by one policy version.
 *
 * <p>Thread-safe: readers never block, and see either the old or the new policy, never a mixture. Time comes from
 * the injected {@link Clock}.
 */
public final class PolicyStore {

    /** The policy in force and when it was loaded. */
    public record Loaded(PolicyEngine engine, Instant loadedAt) {
        public Loaded {
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(loadedAt, "loadedAt");
        }
    }

    /**
     * What a reload did.
     *
     * @param success whether the new file is now in force
     * @param changed whether the policy version changed (false when the file is unchanged, or on failure)
     * @param version the version in force after the reload, never {@code null}
     * @param at when the reload was attempted, never {@code null}
     * @param error on failure, the problem (with its DG code and line); otherwise empty; never {@code null}
     */
    public record ReloadResult(boolean success, boolean changed, String version, Instant at, String error) {
        public ReloadResult {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(at, "at");
            error = error == null ? "" : error;
        }
    }

    private final Clock clock;
    private final Path file;
    private final AtomicReference<Loaded> current;
    private final AtomicReference<ReloadResult> lastFailure = new AtomicReference<>();

    private PolicyStore(PolicyEngine engine, Path file, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.file = file;
        this.current = new AtomicReference<>(new Loaded(engine, clock.instant()));
    }

    /**
     * Loads the policy file the guard starts with.
     *
     * @throws ConfigException if the file is not a valid policy: the guard must not start
     */
    public static PolicyStore open(Path file, Clock clock) {
        return new PolicyStore(PolicyEngine.load(file), Objects.requireNonNull(file, "file"), clock);
    }

    /** A store holding an already compiled policy; {@link #reload()} is then not available. */
    public static PolicyStore of(PolicyEngine engine, Clock clock) {
        return new PolicyStore(Objects.requireNonNull(engine, "engine"), null, clock);
    }

    /** The policy in force. */
    public PolicyEngine current() {
        return current.get().engine();
    }

    /** The policy in force with its load time. */
    public Loaded loaded() {
        return current.get();
    }

    /** The version of the policy in force. */
    public String version() {
        return current().version();
    }

    /** When the policy in force was loaded. */
    public Instant loadedAt() {
        return current.get().loadedAt();
    }

    /** Reloads the file this store was opened with. */
    public ReloadResult reload() {
        if (file == null) {
            Instant now = clock.instant();
            ReloadResult result = new ReloadResult(false, false, version(), now,
                    PolicyError.RELOAD_FAILED.format("this policy was not loaded from a file"));
            lastFailure.set(result);
            return result;
        }
        return reload(file);
    }

    /**
     * Compiles {@code policyFile} and, if it is valid, makes it the policy in force. Never throws: on failure the
     * last good policy stays in force and the returned result (also kept as {@link #lastFailure()}) says why.
     */
    public ReloadResult reload(Path policyFile) {
        Instant now = clock.instant();
        PolicyEngine engine;
        try {
            engine = PolicyEngine.load(policyFile);
        } catch (ConfigException e) {
            return failed(now, e.getMessage());
        } catch (RuntimeException e) {
            return failed(now, policyFile + ": " + e.getClass().getSimpleName());
        }
        Loaded previous = current.getAndSet(new Loaded(engine, now));
        return new ReloadResult(true, !previous.engine().version().equals(engine.version()), engine.version(), now,
                "");
    }

    private ReloadResult failed(Instant now, String problem) {
        ReloadResult result = new ReloadResult(false, false, version(), now, PolicyError.RELOAD_FAILED.format(
                "the policy was not reloaded; " + version() + " stays in force: " + problem));
        lastFailure.set(result);
        return result;
    }

    /** The most recent failed reload, if any (kept after later successful reloads too). */
    public Optional<ReloadResult> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }
}

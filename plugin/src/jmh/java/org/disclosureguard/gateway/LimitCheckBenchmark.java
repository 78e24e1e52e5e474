package org.disclosureguard.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Limit;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the request limits ({@link RequestLimits}, {@code docs/limits.md}) add to a permitted request's decision:
 * <ul>
 *   <li>{@code decide}: the default policy (with a {@code limits} section) decides a permitted read by an NHS
 *       provider at the request stage, as {@code DisclosureControl.admit} does after identifying the requester;</li>
 *   <li>{@code limitThenDecide}: the same, after finding the requester's limit and counting the request against its
 *       per-minute window, and admitting the one patient of the answer against its per-day window, as the gateway
 *       does for an outside requester;</li>
 *   <li>{@code limitOnly}: the limit lookup and both counts alone.</li>
 * </ul>
 * The limits are set high (1,000,000) so that no invocation is refused, and the clock moves one millisecond per
 * reading, so the per-minute window changes every 60,000 readings, as it would under real traffic. It lives in the
 * gateway's package because {@link RequestLimits} is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitCheckBenchmark {

    private PolicyEngine engine;
    private Requester requester;
    private RequestContext context;
    private RequestLimits limits;
    private final List<String> patient = List.of("9000000009");

    @Setup
    public void setUp() throws IOException {
        String policy;
        try (InputStream in = PolicyEngine.class.getClassLoader().getResourceAsStream(PolicyEngine.DEFAULT_RESOURCE)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            policy = out.toString(StandardCharsets.UTF_8);
        }
        policy += "\nlimits:\n  - class: '*'\n    requestsPerMinute: 1000000\n    patientsPerDay: 1000000\n";
        engine = PolicyEngine.compile("default-policy-with-limits.yaml", policy.getBytes(StandardCharsets.UTF_8));
        requester = Requester.external("bench-trust", "A Trust", "nhs-provider");
        context = RequestContext.read(requester, "TREAT", "DIRECT-CARE", "Patient");
        limits = new RequestLimits(new TickingClock());
        if (!engine.decideRequest(context).releases()) {
            throw new IllegalStateException("the benchmark's request is not permitted: " + engine.decideRequest(context));
        }
        if (engine.limitFor(requester).requestsPerMinute() != 1_000_000) {
            throw new IllegalStateException("the benchmark's requester has no limit");
        }
    }

    @Benchmark
    public Decision decide() {
        return engine.decideRequest(context);
    }

    @Benchmark
    public Decision limitThenDecide() {
        Limit limit = engine.limitFor(requester);
        limits.countRequest(requester, limit);
        Decision decision = engine.decideRequest(context);
        limits.admitPatients(requester, limit, patient);
        return decision;
    }

    @Benchmark
    public Limit limitOnly() {
        Limit limit = engine.limitFor(requester);
        limits.countRequest(requester, limit);
        limits.admitPatients(requester, limit, patient);
        return limit;
    }

    /** A clock one millisecond later at each reading. Thread-safe. */
    static final class TickingClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-23T09:00:00Z").toEpochMilli());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.incrementAndGet());
        }
    }
}

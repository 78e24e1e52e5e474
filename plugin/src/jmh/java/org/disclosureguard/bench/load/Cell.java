package org.disclosureguard.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The measurements of one workload at one level, added up over the rounds. CPU figures are {@code NaN} where no
 * process was measured. Not thread-safe: the harness fills it from one thread.
 */
final class Cell {

    private final List<long[]> latencies = new ArrayList<>();
    private long wallNanos;
    private int requests;
    private double guardCpuMillis;
    private double jitCpuMillis;
    private double gcCpuMillis;
    private double practiceCpuMillis;
    private long peakHeapBytes = -1;
    private long liveHeapBytes = -1;

    void add(LoadDriver.Sample sample, double guardCpu, ProcessCpu.Split split, double practiceCpu,
            LoadHarness.Heap heap) {
        latencies.add(sample.latencies());
        wallNanos += sample.wallNanos();
        requests += sample.latencies().length;
        guardCpuMillis += guardCpu;
        jitCpuMillis += split.jit();
        gcCpuMillis += split.gc();
        practiceCpuMillis += practiceCpu;
        peakHeapBytes = Math.max(peakHeapBytes, heap.peak());
        liveHeapBytes = Math.max(liveHeapBytes, heap.live());
    }

    int requests() {
        return requests;
    }

    double throughput() {
        return requests / (wallNanos / 1e9);
    }

    /** The latency at quantile {@code q} (nearest rank), in milliseconds. */
    double latencyMillis(double q) {
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        int rank = (int) Math.ceil(q * all.length);
        return all[Math.max(0, Math.min(all.length - 1, rank - 1))] / 1e6;
    }

    /** Guard process CPU per request in milliseconds, or NaN at L0. */
    double guardCpuPerRequest() {
        return guardCpuMillis / requests;
    }

    /** The part of {@link #guardCpuPerRequest()} spent compiling (JIT compiler threads), or NaN at L0. */
    double jitCpuPerRequest() {
        return jitCpuMillis / requests;
    }

    /** The part of {@link #guardCpuPerRequest()} spent by garbage collector threads, or NaN at L0. */
    double gcCpuPerRequest() {
        return gcCpuMillis / requests;
    }

    /** Guard process CPU per request without the JIT compiler threads, or NaN at L0. */
    double guardCpuWithoutJitPerRequest() {
        return (guardCpuMillis - jitCpuMillis) / requests;
    }

    double practiceCpuPerRequest() {
        return practiceCpuMillis / requests;
    }

    /** The highest peak heap of the guard process over the rounds, in bytes, or -1 at L0. */
    long peakHeapBytes() {
        return peakHeapBytes;
    }

    /** The highest heap occupancy right after a collection, over the rounds, in bytes, or -1 at L0. */
    long liveHeapBytes() {
        return liveHeapBytes;
    }
}

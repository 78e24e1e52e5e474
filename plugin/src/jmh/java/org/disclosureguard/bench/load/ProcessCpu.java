package org.disclosureguard.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of another process from Linux's own counters: {@code utime + stime} in {@code /proc/<pid>/stat}
 * (all threads of the process: request handling, garbage collection, JIT compilation), in clock ticks of
 * {@code getconf CLK_TCK} (usually 100 a second, so one tick is 10 ms). Thread-safe.
 */
final class ProcessCpu {

    private final double millisPerTick;

    private ProcessCpu(double millisPerTick) {
        this.millisPerTick = millisPerTick;
    }

    /** Reads {@code CLK_TCK} once. */
    static ProcessCpu linux() {
        if (!Files.isReadable(Path.of("/proc/self/stat"))) {
            throw new IllegalStateException("The load harness reads process CPU time from /proc and runs on Linux only");
        }
        return new ProcessCpu(1000.0 / clockTicksPerSecond());
    }

    /** The CPU time the process has used so far, in milliseconds. */
    double millis(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the CPU time of process " + pid + " (has it exited?)", e);
        }
        return ticks(stat) * millisPerTick;
    }

    /** {@code utime + stime} of one {@code stat} line. */
    private static long ticks(String stat) {
        // Fields after the command name, which is in parentheses and may itself hold spaces: state is field 3,
        // utime field 14, stime field 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }

    /** CPU time of two groups of a JVM's own threads, in milliseconds. */
    record Split(double jit, double gc) {
        Split minus(Split earlier) {
            return new Split(jit - earlier.jit, gc - earlier.gc);
        }
    }

    /**
     * The parts of {@link #millis} spent by the JVM's JIT compiler threads ({@code C1 CompilerThread*},
     * {@code C2 CompilerThread*}) and by its garbage collector's threads ({@code GC Thread#*} and G1's
     * {@code G1 *} threads: concurrent marking, refinement, service), read per thread from
     * {@code /proc/<pid>/task} (Linux shortens thread names to 15 characters). Threads that have exited are no
     * longer counted; these threads normally live as long as the JVM.
     */
    Split split(long pid) {
        long jit = 0;
        long gc = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException threadEnded) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    jit += ticks(stat);
                } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                    gc += ticks(stat);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the threads of process " + pid, e);
        }
        return new Split(jit * millisPerTick, gc * millisPerTick);
    }

    /**
     * CPU time the whole machine has spent on anything but idling, waiting for I/O or being stolen by the
     * hypervisor, summed over all CPUs, in milliseconds (the first line of {@code /proc/stat}).
     */
    double machineBusyMillis() {
        String first;
        try {
            first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read /proc/stat", e);
        }
        // cpu user nice system idle iowait irq softirq steal ...
        String[] fields = first.trim().split(" +");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7}) {
            busy += Long.parseLong(fields[i]);
        }
        return busy * millisPerTick;
    }

    /** The 1-minute load average, from {@code /proc/loadavg}. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .trim().split(" +")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read /proc/loadavg", e);
        }
    }

    /** The size of one tick, in milliseconds. */
    double millisPerTick() {
        return millisPerTick;
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor() == 0 && out.matches("[0-9]+")) {
                return Long.parseLong(out);
            }
        } catch (IOException e) {
            // Fall through to the usual value.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}

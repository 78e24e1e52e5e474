package org.disclosureguard.bench.load;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The main class of every server process the harness starts on its own class path: starts a {@link HeapProbe} on
 * the port given by the system property {@value #PROBE_PORT}, then runs the real main class named by the first
 * argument with the remaining arguments, for example
 * {@code java -Ddg.load.probe.port=40001 -cp ... GuardLauncher org.disclosureguard.app.DisclosureGuardApplication
 * --server.port=40000}. The server itself is unchanged; the probe is the only addition.
 */
public final class GuardLauncher {

    /** System property with the heap probe's port. */
    public static final String PROBE_PORT = "dg.load.probe.port";

    private GuardLauncher() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: GuardLauncher <main class> [arguments...]");
        }
        String port = System.getProperty(PROBE_PORT);
        if (port == null) {
            throw new IllegalArgumentException("the system property " + PROBE_PORT + " is required");
        }
        HeapProbe.start(Integer.parseInt(port));
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

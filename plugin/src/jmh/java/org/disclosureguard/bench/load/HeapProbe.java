package org.disclosureguard.bench.load;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * A tiny HTTP endpoint inside a server process under test that tells the harness how much heap the process has
 * used. It listens on its own loopback port, apart from the server it observes, and answers with one line of
 * text, {@code peak=<bytes> live=<bytes> used=<bytes>}:
 *
 * <ul>
 *   <li>{@code GET /heap}: since the last reset, the peak of the heap's used size ({@code peak}: the highest
 *       heap occupancy seen just before a garbage collection, or at the reset or now if that is higher) and the
 *       highest occupancy just after a collection ({@code live}: roughly the most the process held on to at once;
 *       -1 if no collection happened); {@code used} is the occupancy now;
 *   <li>{@code POST /reset}: starts a new window from the occupancy now.
 * </ul>
 *
 * <p>Heap occupancy only grows between collections, so its peak is the occupancy just before one; the collector
 * reports that with every collection (JMX notifications), which makes the peak exact without sampling and costs
 * nothing between collections. The reset does not collect: a forced full collection would shrink the heap and
 * change how the collector behaves in the window being measured. Collections asked for by {@code System.gc()}
 * are left out.
 * The HTTP server uses one daemon thread. Thread-safe.
 */
public final class HeapProbe {

    private static final AtomicLong PEAK = new AtomicLong();
    private static final AtomicLong LIVE = new AtomicLong();

    private HeapProbe() {}

    /**
     * Starts the endpoint on {@code 127.0.0.1:port} and begins watching collections.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static void start(int port) {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                            notification.getType())) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                            (CompositeData) notification.getUserData());
                    if ("System.gc()".equals(info.getGcCause())) {
                        return;
                    }
                    PEAK.accumulateAndGet(sum(info.getGcInfo().getMemoryUsageBeforeGc(), heapPools), Math::max);
                    LIVE.accumulateAndGet(sum(info.getGcInfo().getMemoryUsageAfterGc(), heapPools), Math::max);
                }, null, null);
            }
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4);
        } catch (IOException e) {
            throw new UncheckedIOException("The heap probe cannot listen on port " + port, e);
        }
        server.createContext("/heap", exchange -> answer(exchange, "GET"));
        server.createContext("/reset", exchange -> {
            if ("POST".equals(exchange.getRequestMethod())) {
                PEAK.set(used());
                LIVE.set(-1);
            }
            answer(exchange, "POST");
        });
        server.setExecutor(Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "heap-probe");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    private static long sum(Map<String, MemoryUsage> usage, Set<String> heapPools) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> pool : usage.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                sum += pool.getValue().getUsed();
            }
        }
        return sum;
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void answer(HttpExchange exchange, String method) throws IOException {
        try (exchange) {
            if (!method.equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            long used = used();
            byte[] body = String.format(Locale.ROOT, "peak=%d live=%d used=%d", Math.max(PEAK.get(), used),
                    LIVE.get(), used).getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}

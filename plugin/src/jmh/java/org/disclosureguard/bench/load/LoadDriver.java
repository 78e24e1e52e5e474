package org.disclosureguard.bench.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Sends one request a given number of times with a fixed number in flight: that many worker threads, each
 * sending its next request as soon as its previous answer is complete and checked, over the JDK
 * {@link HttpClient} with HTTP/1.1 keep-alive. A request's latency runs from just before sending to the last
 * byte of the body; the check comes after. The first failure stops the run.
 */
final class LoadDriver {

    /** One run's latencies (nanoseconds, in completion order) and wall time. */
    record Sample(long[] latencies, long wallNanos) {}

    private LoadDriver() {}

    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(java.time.Duration.ofSeconds(5))
                .build();
    }

    /**
     * @throws IllegalStateException with the first failure (an exchange that failed or an answer that did not
     *     pass {@code check})
     */
    static Sample run(HttpClient http, HttpRequest request, int count, int concurrency,
            Consumer<HttpResponse<byte[]>> check) {
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(concurrency, count); w++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    while (failure.get() == null && next.getAndIncrement() < count) {
                        long begin = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        long latency = System.nanoTime() - begin;
                        check.accept(response);
                        latencies[done.getAndIncrement()] = latency;
                    }
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    failure.compareAndSet(null, e);
                    Thread.currentThread().interrupt();
                }
            }, "load-worker-" + w);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        long wall = System.nanoTime() - begin;
        if (failure.get() != null) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: "
                    + failure.get().getMessage(), failure.get());
        }
        return new Sample(latencies, wall);
    }
}

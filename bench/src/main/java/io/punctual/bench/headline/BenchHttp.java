package io.punctual.bench.headline;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import reactor.core.publisher.Mono;

import java.net.URL;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Micronaut's Netty HTTP client set up as the executor sets up its Letta client (pooled keep-alive connections,
 * no exception on error status), and a closed-loop driver keeping a fixed number of requests in flight.
 */
public final class BenchHttp {
    public static final Argument<byte[]> BYTES = Argument.of(byte[].class);

    private BenchHttp() {
    }

    public static HttpClient client(String baseUrl, int connections) throws Exception {
        DefaultHttpClientConfiguration config = new DefaultHttpClientConfiguration();
        config.getConnectionPoolConfiguration().setEnabled(true);
        config.getConnectionPoolConfiguration().setMaxConcurrentHttp1Connections(connections);
        config.getConnectionPoolConfiguration().setMaxPendingConnections(connections);
        config.getConnectionPoolConfiguration().setMaxPendingAcquires(Integer.MAX_VALUE);
        config.setConnectTimeout(Duration.ofSeconds(10));
        config.setReadTimeout(Duration.ofSeconds(30));
        config.setExceptionOnErrorStatus(false);
        config.setFollowRedirects(false);
        return HttpClient.create(new URL(baseUrl), config);
    }

    /** What a closed loop did: requests answered as expected, the others, latencies of the good ones. */
    record LoopResult(int ok, long failed, double seconds, Percentiles latency) {
        double perSecond() {
            return ok / seconds;
        }
    }

    /**
     * Keeps {@code concurrency} requests in flight for {@code seconds}: each answer starts the next request.
     *
     * @param request    the i-th request to send
     * @param okStatus   the status that counts as success
     */
    static LoopResult closedLoop(HttpClient client, int concurrency, int seconds, IntFunction<HttpRequest<byte[]>> request, int okStatus)
            throws Exception {
        return closedLoop(client, concurrency, 0, () -> { }, seconds, request, okStatus);
    }

    /**
     * Keeps {@code concurrency} requests in flight for {@code warmSeconds} and then {@code seconds} more without a
     * pause between them, and counts only the requests sent in the second part. A load that stopped between its
     * warm-up and its measured part (a new client, a new tenant) made the child's JIT compile about ten times as
     * much in the measured part's first 15 s as in the 15 s before it (the transactional and broker code it had
     * compiled for the load, deoptimized in the lull): a cost a service under steady load does not pay.
     *
     * @param atMeasureStart run on this thread when the measured part begins (CPU snapshots, a recording)
     */
    static LoopResult closedLoop(HttpClient client, int concurrency, int warmSeconds, Step atMeasureStart, int seconds,
                                 IntFunction<HttpRequest<byte[]>> request, int okStatus) throws Exception {
        long[] latencies = new long[Math.max(1_000_000, seconds * 200_000)];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmSeconds);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch slots = new CountDownLatch(concurrency);
        for (int c = 0; c < concurrency; c++) {
            new Slot(client, request, okStatus, measureFrom, end, latencies, ok, sequence, failed, slots).next();
        }
        long untilMeasured = measureFrom - System.nanoTime();
        if (untilMeasured > 0) {
            TimeUnit.NANOSECONDS.sleep(untilMeasured);
        }
        atMeasureStart.run();
        if (!slots.await(seconds + 120L, TimeUnit.SECONDS)) {
            System.out.println("  note: some requests were still open two minutes after the end");
        }
        double elapsed = (System.nanoTime() - measureFrom) / 1e9;
        int count = Math.min(ok.get(), latencies.length);
        return new LoopResult(ok.get(), failed.get(), elapsed, Percentiles.ofMicros(latencies, count));
    }

    private record Slot(HttpClient client, IntFunction<HttpRequest<byte[]>> request, int okStatus, long measureFrom, long end, long[] latencies,
                        AtomicInteger ok, AtomicInteger sequence, AtomicLong failed, CountDownLatch slots) {
        void next() {
            if (System.nanoTime() >= end) {
                slots.countDown();
                return;
            }
            long t0 = System.nanoTime();
            Mono.from(client.exchange(request.apply(sequence.getAndIncrement()), BYTES, BYTES)).subscribe(
                    response -> record(response, t0),
                    error -> {
                        if (t0 >= measureFrom) {
                            failed.incrementAndGet();
                        }
                        next();
                    });
        }

        private void record(HttpResponse<byte[]> response, long t0) {
            // Requests sent during the warm-up are not counted.
            if (t0 >= measureFrom && response.code() == okStatus) {
                int n = ok.getAndIncrement();
                if (n < latencies.length) {
                    latencies[n] = (System.nanoTime() - t0) / 1000;
                }
            } else if (t0 >= measureFrom) {
                failed.incrementAndGet();
            }
            next();
        }
    }
}

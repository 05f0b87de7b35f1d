package io.punctual.bench.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.planner.PlannerService;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver: how many {@code POST /v1/schedules} per second the gateway answers, each only after the planner
 * acknowledged it (201 means the planner applied the create), and their latency. Runs the gateway and the real
 * planner in one JVM on the embedded broker, with the Letta stand-in answering key checks (cached after the
 * first). {@code clients} threads send creates back to back for {@code warmupSeconds} and then {@code seconds}
 * more, without a pause between the two (a lull made the JIT recompile at the start of the measured part, as in
 * {@code Headline}'s creates row); only creates sent after the warm-up count.
 *
 * <pre>java -cp ... io.punctual.bench.gateway.GatewayCreateLoad [clients=32] [seconds=30] [warmupSeconds=10] [commitIntervalMs=100]</pre>
 */
public final class GatewayCreateLoad {
    private GatewayCreateLoad() {
    }

    public static void main(String[] args) throws Exception {
        int clients = arg(args, 0, 32);
        int seconds = arg(args, 1, 30);
        int warmup = arg(args, 2, 10);
        int commitIntervalMs = arg(args, 3, 100);
        KafkaFixture kafka = KafkaFixture.shared();
        String key = "sk-let-bench-" + UUID.randomUUID();
        try (LettaStandIn letta = new LettaStandIn().acceptKey(key).acceptOnlyKnownKeys()) {
            Map<String, Object> props = new HashMap<>();
            props.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            props.put(ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl());
            props.put(ConfigKeys.KEYSET_JSON, KeyMaterial.generate().toJson());
            props.put(ConfigKeys.LETTA_BASE_URL, letta.baseUrl());
            props.put(ConfigKeys.PLANNER_STATE_DIR, Files.createTempDirectory("bench-planner").toString());
            props.put(ConfigKeys.PLANNER_COMMIT_INTERVAL, commitIntervalMs + "ms");
            props.put(ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND, 0);
            props.put(ConfigKeys.PLANNER_MAX_SCHEDULES_PER_TENANT, 0);
            props.put("micronaut.server.port", -1);
            try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).properties(props).start()) {
                EmbeddedServer server = context.getBean(EmbeddedServer.class);
                server.start();
                PlannerService planner = context.getBean(PlannerService.class);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!planner.isReady() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                URI uri = URI.create("http://localhost:" + server.getPort() + "/v1/schedules");
                System.out.printf("warm-up %d s, then measuring %d s with %d clients (planner commit interval %d ms)...%n",
                        warmup, seconds, clients, commitIntervalMs);
                Result r = run(uri, key, clients, warmup, seconds);
                long[] sorted = Arrays.copyOf(r.latenciesNanos, r.count);
                Arrays.sort(sorted);
                System.out.printf("creates acknowledged: %d in %.1f s = %.0f/s; errors %d%n", r.count, r.elapsedSeconds, r.count / r.elapsedSeconds, r.errors);
                System.out.printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                        pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), pct(sorted, 0.999), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
            }
        }
        System.exit(0);
    }

    private record Result(int count, long[] latenciesNanos, double elapsedSeconds, long errors) {
    }

    /** One closed loop of {@code warmup + seconds}; what was sent in the first {@code warmup} seconds is not counted. */
    private static Result run(URI uri, String key, int clients, int warmup, int seconds) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long[] latencies = new long[10_000_000];
        AtomicInteger count = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            pool.submit(() -> {
                int i = 0;
                while (System.nanoTime() < end) {
                    String body = "{\"agent_id\": \"agent-bench-" + client + "-" + (i++ % 50) + "\", \"messages\": [{\"role\": \"user\", \"content\": \"tick\"}],"
                            + " \"schedule\": {\"type\": \"once\", \"at\": \"" + Instant.now().plus(Duration.ofDays(1)) + "\"}}";
                    HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long t0 = System.nanoTime();
                    boolean counted = t0 >= start;
                    try {
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        long took = System.nanoTime() - t0;
                        if (!counted) {
                            continue;
                        }
                        if (response.statusCode() == 201) {
                            int n = count.getAndIncrement();
                            if (n < latencies.length) {
                                latencies[n] = took;
                            }
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        if (counted) {
                            errors.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(warmup + seconds + 60L, TimeUnit.SECONDS);
        // From the end of the warm-up to the last counted answer.
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(Math.min(count.get(), latencies.length), latencies, elapsed, errors.get());
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}

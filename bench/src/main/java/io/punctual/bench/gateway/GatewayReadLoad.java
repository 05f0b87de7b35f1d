package io.punctual.bench.gateway;

import io.punctual.bench.headline.BenchHttp;
import io.punctual.bench.headline.BenchPorts;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.LettaStandIn;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The read side at scale. Starts the standalone jar with neither gateway nor planner (broker, registry, executor),
 * a planner on its own ({@code PlannerApplication}, -Xmx1g) and a gateway on its own with a small heap, each a child
 * process; produces N schedules of one tenant straight to {@code punctual.commands} (the documented way); then
 * reports the gateway's and the planner's live heap after a full GC and their state on disk per schedule, GET-by-id
 * and list-page latency at a fixed request rate, how long a restarted gateway takes to answer with its state on disk,
 * and how long the planner takes to be ready again with its state on disk and after its state directory is wiped
 * (a restore from the changelog topics).
 *
 * <pre>java -XX:+UseZGC -cp bench/target/benchmarks.jar io.punctual.bench.gateway.GatewayReadLoad [schedules] [reads/s] [seconds] [gatewayHeap]</pre>
 * ZGC for this driver: it receives tens of MB/s of page bodies, and a pause of its own collector counts as latency of
 * every request due meanwhile (G1's young pauses here were 10–80 ms, the page's whole p99 tail).
 * Needs {@code standalone/target/punctual.jar} (or {@code -Dpunctual.jar=...}).
 *
 * <p>Long (about 400 lines) on purpose: {@code main} reads top to bottom as the benchmark's steps, and the rest are
 * small process, HTTP and latency helpers that only this program uses.
 */
public final class GatewayReadLoad {
    private static final String KEY = "sk-let-bench-reader";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Seconds at the fixed rate before each measured phase: {@code -Dwarmup.seconds=3} for the earlier runs' setting. */
    private static final int WARMUP_SECONDS = Integer.getInteger("warmup.seconds", 10);

    private GatewayReadLoad() {
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int schedules = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String gatewayHeap = args.length > 3 ? args[3] : "256m";
        Path jar = Path.of(System.getProperty("punctual.jar", "standalone/target/punctual.jar")).toAbsolutePath();
        Path data = Files.createTempDirectory("punctual-read-bench");
        int[] ports = BenchPorts.freePorts(3);
        int kafkaPort = ports[0];
        int registryPort = ports[1];
        int gatewayPort = ports[2];
        String gatewayUrl = "http://localhost:" + gatewayPort;

        try (LettaStandIn letta = new LettaStandIn().acceptKey(KEY).acceptOnlyKnownKeys()) {
            Map<String, String> coreEnv = Map.of("PUNCTUAL_DATA_DIR", data.toString(), "PUNCTUAL_HTTP_PORT", Integer.toString(freePort()),
                    "PUNCTUAL_KAFKA_PORT", Integer.toString(kafkaPort), "PUNCTUAL_REGISTRY_PORT", Integer.toString(registryPort),
                    "PUNCTUAL_LETTA_BASE_URL", letta.baseUrl(), "PUNCTUAL_GATEWAY_ENABLED", "false", "PUNCTUAL_PLANNER_ENABLED", "false");
            List<String> coreCommand = new ArrayList<>(List.of("java", "-Xmx1g"));
            // e.g. -Dcore.jvm-args=-Xlog:gc:file=/tmp/{log}-gc.log to see the broker's collections beside the gateway's
            String coreJvmArgs = System.getProperty("core.jvm-args", "");
            if (!coreJvmArgs.isBlank()) {
                coreCommand.addAll(List.of(coreJvmArgs.trim().split("\\s+")));
            }
            coreCommand.addAll(List.of("-jar", jar.toString()));
            Process core = start(coreCommand, coreEnv, data.resolve("core.log"));
            int plannerPort = freePort();
            String plannerHealth = "http://localhost:" + plannerPort + "/health/readiness";
            Map<String, String> plannerEnv = Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + kafkaPort,
                    "SCHEMA_REGISTRY_URL", "http://localhost:" + registryPort, "PUNCTUAL_KEYSET_PATH", data.resolve("keyset.json").toString(),
                    "PUNCTUAL_PLANNER_STATE_DIR", data.resolve("planner").toString(), "PUNCTUAL_MANAGEMENT_PORT", Integer.toString(plannerPort),
                    // One tenant owns every schedule: far above the default quota of live schedules per tenant.
                    "PUNCTUAL_PLANNER_MAX_SCHEDULES_PER_TENANT", "0");
            List<String> plannerCommand = List.of("java", "-Xmx1g", "-cp", jar.toString(), "io.punctual.planner.PlannerApplication");
            Process planner = null;
            Map<String, String> gatewayEnv = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + kafkaPort,
                    "SCHEMA_REGISTRY_URL", "http://localhost:" + registryPort, "PUNCTUAL_KEYSET_PATH", data.resolve("keyset.json").toString(),
                    "PUNCTUAL_LETTA_BASE_URL", letta.baseUrl(), "PUNCTUAL_HTTP_PORT", Integer.toString(gatewayPort),
                    "PUNCTUAL_GATEWAY_STATE_DIR", data.resolve("gateway").toString(),
                    "PUNCTUAL_GATEWAY_RATE_LIMIT_PER_SECOND", "1000000", "PUNCTUAL_GATEWAY_RATE_LIMIT_BURST", "1000000"));
            // e.g. -Dgateway.env=PUNCTUAL_GATEWAY_READ_BARRIER_INTERVAL=2ms to compare a gateway setting
            for (String pair : System.getProperty("gateway.env", "").split(",")) {
                if (pair.contains("=")) {
                    gatewayEnv.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
                }
            }
            List<String> gatewayCommand = new ArrayList<>(List.of("java", "-Xmx" + gatewayHeap));
            // e.g. -Dgateway.jvm-args=-XX:StartFlightRecording:filename=/tmp/{log}.jfr to profile the gateway under the read load
            String gatewayJvmArgs = System.getProperty("gateway.jvm-args", "");
            if (!gatewayJvmArgs.isBlank()) {
                gatewayCommand.addAll(List.of(gatewayJvmArgs.trim().split("\\s+")));
            }
            gatewayCommand.addAll(List.of("-cp", jar.toString(), "io.punctual.gateway.GatewayApplication"));
            Process gateway = null;
            try {
                awaitFile(data.resolve("keyset.json"), Duration.ofMinutes(3));
                planner = start(plannerCommand, plannerEnv, data.resolve("planner-1.log"));
                awaitStatus(plannerHealth, 200, Duration.ofMinutes(3));
                gateway = start(gatewayCommand, gatewayEnv, data.resolve("gateway-1.log"));
                long up = System.nanoTime();
                awaitHealthy(gatewayUrl, Duration.ofMinutes(3));
                System.out.printf("gateway healthy on an empty topic after %d ms%n", ms(up));

                KeyMaterial keys = KeyMaterial.read(data.resolve("keyset.json"));
                String tenant = keys.tenantIds().of(KEY);
                long produceStart = System.nanoTime();
                Map<Integer, String> lastPerPartition = new ConcurrentHashMap<>();
                ScheduleIds ids = produce(schedules, tenant, keys.apiKeyCipher(), "localhost:" + kafkaPort, "http://localhost:" + registryPort,
                        lastPerPartition);
                System.out.printf("produced %,d create commands in %d ms%n", schedules, ms(produceStart));
                // The planner works through each partition in order: the last schedule of every partition shown means all are.
                for (String last : lastPerPartition.values()) {
                    awaitStatus(gatewayUrl + "/v1/schedules/" + last, 200, Duration.ofMinutes(60));
                }
                System.out.printf("the gateway shows every schedule %d ms after the first command%n", ms(produceStart));
                settle(List.of(core.pid(), planner.pid(), gateway.pid()), Duration.ofMinutes(10));

                System.out.printf("gateway live heap after full GC: %,d KB (-Xmx%s)%n", liveHeapKb(gateway.pid()), gatewayHeap);
                long disk = du(data.resolve("gateway"));
                System.out.printf("gateway state on disk: %,d bytes, %d bytes per schedule%n", disk, disk / schedules);
                System.out.printf("planner live heap after full GC: %,d KB (-Xmx1g)%n", liveHeapKb(planner.pid()));
                long plannerDisk = du(data.resolve("planner"));
                System.out.printf("planner state on disk (memtables not yet flushed): %,d bytes, %d bytes per schedule%n", plannerDisk, plannerDisk / schedules);

                String base = gatewayUrl + "/v1/schedules";
                IntFunction<String> byId = i -> base + "/" + ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                IntFunction<String> listPage = i -> base + "?limit=50&cursor=" + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(ids.get(ThreadLocalRandom.current().nextInt(ids.size())).getBytes(StandardCharsets.UTF_8));
                // Service time without queueing first: one client, one request at a time.
                report("GET /v1/schedules/{id}, one client", sequential(1000, byId));
                report("GET /v1/schedules?limit=50&cursor=, one client", sequential(1000, listPage));
                long gatewayPid = gateway.pid();
                long cpu = cpuMs(gatewayPid);
                report("GET /v1/schedules/{id} at " + rate + "/s", drive(rate, seconds, byId));
                System.out.printf("  gateway CPU: %.2f ms per request (warm-up included)%n", (cpuMs(gatewayPid) - cpu) / (rate * (double) (seconds + WARMUP_SECONDS)));
                cpu = cpuMs(gatewayPid);
                report("GET /v1/schedules?limit=50&cursor= at " + rate + "/s", drive(rate, seconds, listPage));
                System.out.printf("  gateway CPU: %.2f ms per request (warm-up included)%n", (cpuMs(gatewayPid) - cpu) / (rate * (double) (seconds + WARMUP_SECONDS)));

                gateway.destroy();
                gateway.waitFor(60, TimeUnit.SECONDS);
                long restart = System.nanoTime();
                gateway = start(gatewayCommand, gatewayEnv, data.resolve("gateway-2.log"));
                awaitHealthy(gatewayUrl, Duration.ofMinutes(30));
                long healthy = ms(restart);
                awaitStatus(gatewayUrl + "/v1/schedules/" + ids.get(0), 200, Duration.ofMinutes(5));
                System.out.printf("restart with state on disk: healthy after %d ms, first GET answered after %d ms (JVM start included)%n",
                        healthy, ms(restart));
                System.out.printf("gateway live heap after restart and full GC: %,d KB%n", liveHeapKb(gateway.pid()));

                // For comparison: the same restart without the state on disk, which replays both topics from the start.
                gateway.destroy();
                gateway.waitFor(60, TimeUnit.SECONDS);
                Map<String, String> emptyStateEnv = new HashMap<>(gatewayEnv);
                emptyStateEnv.put("PUNCTUAL_GATEWAY_STATE_DIR", data.resolve("gateway-empty").toString());
                long replay = System.nanoTime();
                gateway = start(gatewayCommand, emptyStateEnv, data.resolve("gateway-3.log"));
                awaitHealthy(gatewayUrl, Duration.ofMinutes(60));
                System.out.printf("restart with an empty state directory (replays the topics): healthy after %d ms%n", ms(replay));

                planner = restartPlanner(planner, plannerCommand, plannerEnv, plannerHealth, data.resolve("planner-2.log"),
                        gatewayUrl, "planner restart with its state on disk");
                System.out.printf("planner live heap after restart and full GC: %,d KB%n", liveHeapKb(planner.pid()));
                // Measured after a clean stop flushed the memtables (right after ingest most of the state is still in them).
                long flushed = du(data.resolve("planner"));
                System.out.printf("planner state on disk after a clean restart: %,d bytes, %d bytes per schedule%n", flushed, flushed / schedules);
                deleteTree(data.resolve("planner"));
                planner = restartPlanner(planner, plannerCommand, plannerEnv, plannerHealth, data.resolve("planner-3.log"),
                        gatewayUrl, "planner restart with its state directory wiped (restore from the changelogs)");
                awaitStatus(gatewayUrl + "/v1/schedules/" + ids.get(ids.size() - 1), 200, Duration.ofMinutes(5));
                System.out.printf("planner state on disk after the restore: %,d bytes%n", du(data.resolve("planner")));
            } finally {
                if (planner != null) {
                    planner.destroy();
                    planner.waitFor(60, TimeUnit.SECONDS);
                }
                if (gateway != null) {
                    gateway.destroy();
                    gateway.waitFor(60, TimeUnit.SECONDS);
                }
                core.destroy();
                core.waitFor(120, TimeUnit.SECONDS);
                System.out.println("logs and data in " + data + " (delete when done)");
            }
        }
    }

    /** Stops the planner (SIGTERM), starts it again and times it from the start until its readiness answers 200. */
    private static Process restartPlanner(Process planner, List<String> command, Map<String, String> env, String health, Path log,
                                          String gatewayUrl, String what) throws IOException, InterruptedException {
        planner.destroy();
        planner.waitFor(120, TimeUnit.SECONDS);
        long restart = System.nanoTime();
        Process started = start(command, env, log);
        awaitStatus(health, 200, Duration.ofMinutes(60));
        long ready = ms(restart);
        // Ready means Kafka Streams is RUNNING; a create acknowledged through the gateway shows it applies commands again.
        awaitCreated(gatewayUrl, Duration.ofMinutes(60));
        System.out.printf("%s: ready after %d ms, first create applied after %d ms (JVM start included)%n", what, ready, ms(restart));
        return started;
    }

    private static void awaitCreated(String gatewayUrl, Duration timeout) throws InterruptedException {
        String body = "{\"agent_id\": \"agent-restore\", \"messages\": [{\"role\": \"user\", \"content\": \"after the restore\"}],"
                + " \"schedule\": {\"type\": \"once\", \"at\": \"2035-06-01T00:00:00Z\"}}";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1/schedules")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 201) {
                    return;
                }
            } catch (IOException e) {
                // the gateway's own request timed out while the planner restores
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no create was applied within " + timeout);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static ScheduleIds produce(int n, String tenant, ApiKeyCipher cipher, String bootstrap, String registry,
                                       Map<Integer, String> lastPerPartition) {
        TopicSerdes serdes = new TopicSerdes(registry);
        Serializer<ScheduleCommand> values = serdes.valueSerde(Topics.COMMANDS).serializer();
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        ScheduleIds ids = new ScheduleIds(n);
        Instant at = Instant.parse("2035-01-01T00:00:00Z");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String id = ids.add(i, System.currentTimeMillis());
                LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-" + (i % 100))
                        .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("reminder " + i).build()))
                        .setApiKeyCiphertext(cipher.encrypt(KEY, id)).build();
                ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target)
                        .setCadence(OnceCadence.newBuilder().setAt(at.plusSeconds(i)).build()).setLabels(Map.of()).build();
                ScheduleCommand command = ScheduleCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
                        .setScheduleId(id).setTenant(tenant).setIssuedAt(Instant.now())
                        .setAction(CreateSchedule.newBuilder().setSpec(spec).build()).build();
                producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), id, values.serialize(Topics.COMMANDS.name(), command)),
                        (metadata, error) -> {
                            if (metadata != null) {
                                // Callbacks of one partition run in send order: the last one names its last schedule.
                                lastPerPartition.put(metadata.partition(), id);
                            }
                        });
            }
            producer.flush();
        }
        return ids;
    }

    /**
     * The ids of the schedules produced, kept as one {@code long[]} of creation millis (an id is those and its
     * index): at ten million, a list of strings was a live set of about a gigabyte in this driver, whose
     * collector's work on it showed as latency of the requests due meanwhile.
     */
    private static final class ScheduleIds {
        private final long[] createdMs;

        ScheduleIds(int n) {
            createdMs = new long[n];
        }

        String add(int i, long nowMs) {
            createdMs[i] = nowMs;
            return get(i);
        }

        String get(int i) {
            return String.format("sch_%012x%016x", createdMs[i], (long) i);
        }

        int size() {
            return createdMs.length;
        }
    }

    private static List<Long> sequential(int requests, IntFunction<String> url) throws IOException, InterruptedException {
        List<Long> latencies = new ArrayList<>();
        int failures = 0;
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url.apply(i))).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + KEY).GET().build();
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                latencies.add(System.nanoTime() - start);
            } else {
                failures++;
                statuses.merge(status, 1, Integer::sum);
            }
        }
        System.out.printf("  %,d requests one at a time, %d failed %s%n", requests, failures, statuses);
        return latencies;
    }

    /**
     * Sends {@code rate} requests a second for {@code seconds}, each timed from when it was due (open loop), from
     * Micronaut's Netty client: the JDK client could not offer 1,000/s (connections failed to open at ~700/s).
     */
    private static List<Long> drive(int rate, int seconds, IntFunction<String> url) throws Exception {
        URI base = URI.create(url.apply(0));
        try (io.micronaut.http.client.HttpClient client = BenchHttp.client(base.getScheme() + "://" + base.getAuthority(), 512)) {
            // Warm-up, not counted but shown: opening the client's connections and compiling both sides' request
            // paths. On 2 cores C2 was still compiling the gateway's read path 3 s in (JIT threads took 40-45 % of its
            // CPU in the first measured phase), so the default is 10 s, as a JMH warm-up would be.
            report("  warm-up, " + WARMUP_SECONDS + " s, not counted", drive(client, rate, WARMUP_SECONDS, url));
            String gcBefore = driverGc();
            List<Long> latencies = drive(client, rate, seconds, url);
            // The driver's own collections delay the requests due meanwhile: shown so that a tail they make is not
            // taken for the gateway's.
            System.out.printf("  driver's own GC (count, ms) before: %s, after: %s%n", gcBefore, driverGc());
            return latencies;
        }
    }

    private static List<Long> drive(io.micronaut.http.client.HttpClient client, int rate, int seconds, IntFunction<String> url)
            throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        // Slow requests (over 20 ms) per second of the phase: one stall shows as one bad second, load as many.
        java.util.concurrent.atomic.AtomicIntegerArray slowPerSecond = new java.util.concurrent.atomic.AtomicIntegerArray(seconds + 1);
        AtomicInteger failures = new AtomicInteger();
        Map<String, AtomicInteger> reasons = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        int total = rate * seconds;
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            URI target = URI.create(url.apply(i));
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            inFlight.add(Mono.from(client.exchange(io.micronaut.http.HttpRequest.GET(path).bearerAuth(KEY), BenchHttp.BYTES)).toFuture().whenComplete((r, e) -> {
                if (e != null || r.getStatus().getCode() != 200) {
                    failures.incrementAndGet();
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    reasons.computeIfAbsent(cause != null ? cause.getClass().getSimpleName() : "HTTP " + r.getStatus().getCode(), k -> new AtomicInteger())
                            .incrementAndGet();
                } else {
                    long latency = System.nanoTime() - due;
                    latencies.add(latency);
                    if (latency > TimeUnit.MILLISECONDS.toNanos(20)) {
                        slowPerSecond.incrementAndGet((int) ((due - start) / TimeUnit.SECONDS.toNanos(1)));
                    }
                }
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        System.out.printf("  %,d requests at %.0f/s offered, %d failed %s%n", total, achieved, failures.get(), reasons);
        StringBuilder slow = new StringBuilder();
        for (int second = 0; second <= seconds; second++) {
            if (slowPerSecond.get(second) > 0) {
                slow.append(" s").append(second).append(':').append(slowPerSecond.get(second));
            }
        }
        System.out.println("  requests over 20 ms by second of the phase:" + (slow.isEmpty() ? " none" : slow));
        return new ArrayList<>(latencies);
    }

    private static String driverGc() {
        StringBuilder out = new StringBuilder();
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            out.append(out.isEmpty() ? "" : ", ").append(gc.getName()).append(' ').append(gc.getCollectionCount()).append('/').append(gc.getCollectionTime());
        }
        return out.toString();
    }

    private static void report(String what, List<Long> latencies) {
        latencies.sort(null);
        if (latencies.isEmpty()) {
            System.out.println(what + ": no successful request");
            return;
        }
        System.out.printf("%s: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n", what,
                pct(latencies, 0.50), pct(latencies, 0.99), pct(latencies, 0.999), latencies.get(latencies.size() - 1) / 1e6);
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    /**
     * Waits until the children are idle (together under a tenth of a core over 5 s): right after a large ingest the
     * gateway's and the planner's RocksDB compactions and the broker's log cleaner keep both cores busy for minutes,
     * and latencies measured then measure that. Says how long it took and what was left.
     */
    private static void settle(List<Long> pids, Duration atMost) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + atMost.toNanos();
        long used;
        do {
            long before = 0;
            for (long pid : pids) {
                before += cpuMs(pid);
            }
            Thread.sleep(5000);
            used = -before;
            for (long pid : pids) {
                used += cpuMs(pid);
            }
        } while (used > 500 && System.nanoTime() < deadline);
        System.out.printf("background work after the ingest settled after %d ms (last 5 s: %.2f cores busy)%n", ms(start), used / 5000.0);
    }

    /** CPU time (user + system) the process has used so far, from /proc (Linux; clock ticks taken as 100 a second). */
    private static long cpuMs(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields 14 and 15 of stat(5) (utime, stime) are the 12th and 13th after the command's closing parenthesis.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static long liveHeapKb(long pid) throws IOException, InterruptedException {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static long du(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Starts a child; "{log}" in an argument becomes its log's name without ".log" (one JFR file per child). */
    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        String name = log.getFileName().toString().replace(".log", "");
        ProcessBuilder builder = new ProcessBuilder(command.stream().map(a -> a.replace("{log}", name)).toList()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static void awaitHealthy(String base, Duration timeout) throws InterruptedException {
        awaitStatus(base + "/health", 200, timeout);
    }

    private static void awaitStatus(String url, int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + KEY).GET().build();
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == status) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(url + " did not answer " + status + " within " + timeout);
    }

    private static void awaitFile(Path file, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " did not appear within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static long ms(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    private static int freePort() throws IOException {
        return BenchPorts.freePort();
    }
}

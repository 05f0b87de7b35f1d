package io.punctual.bench.drill;

import io.punctual.bench.headline.BenchPorts;
import java.io.IOException;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.fire.FireIds;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicProvisioner;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Scale-out drill: the services as separate processes from the jar, the way Kubernetes runs them, against one
 * embedded broker in this JVM: 2 gateways, 2 planners (one application id), 3 executors (one group). A burst of
 * one-time schedules all due in the same second, created straight on {@code punctual.commands}; while it is delivered
 * (by the share of fires sent to Letta: 5 %, 30 %, 50 %) an executor is added, one is stopped with SIGTERM and a
 * planner is killed with SIGKILL. Checks that every fire ends with exactly one final result (none missing, none
 * twice; a missing one is traced to where it stopped), counts duplicate deliveries (a fire accepted by the Letta
 * stand-in more than once, same Idempotency-Key), checks that no agent ever had two requests at once across the
 * executors, and reports how long each partition move took ({@link GroupWatch}). Each service's log stays in the
 * work directory printed at start.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.punctual.bench.drill.ScaleOutDrill standalone/target/punctual.jar
 * [fires=20000] [agents=500] [leadSeconds=60] [lettaLatencyMs=1000]}; {@code -Ddrill.child-heap=384m} sets each service's heap.
 *
 * <p>Long (about 450 lines) on purpose: {@code run} reads top to bottom as the drill's script (start, burst, events,
 * checks), and the rest are small helpers of it; the ledger of results ({@link BurstLedger}) and the partition
 * moves ({@link GroupWatch}) are classes of their own.
 */
public final class ScaleOutDrill {
    private static final int PARTITIONS = 6;
    private static final String API_KEY = "sk-let-drill";
    /** Heap of each service process: eight of them share a small machine with the broker. */
    private static final String CHILD_HEAP = System.getProperty("drill.child-heap", "384m");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final Path work;
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();

    private ScaleOutDrill(Path jar, Path work) {
        this.jar = jar;
        this.work = work;
    }

    /** One service process and the port of its probes. */
    record Service(String name, Process process, int port) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "standalone/target/punctual.jar");
        int fires = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int agents = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int leadSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        // Letta's answer time: one second, as the README's sizing assumes; it also makes the burst last long enough
        // (three executors keep 192 requests open) for a new executor's JVM to start and join during it.
        Duration lettaLatency = Duration.ofMillis(args.length > 4 ? Long.parseLong(args[4]) : 1000);
        KafkaFixture kafka = KafkaFixture.shared();
        new TopicProvisioner(kafka.admin(), PARTITIONS, (short) 1).ensureAll();
        Path work = Files.createTempDirectory("punctual-drill");
        KeyMaterial keys = KeyMaterial.readOrCreate(work.resolve("keyset.json"));
        ScaleOutDrill drill = new ScaleOutDrill(jar, work);
        // Interrupted (Ctrl-C, SIGTERM), the drill must not leave its services running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drill.services.values().forEach(s -> s.process().destroyForcibly())));
        int exit = 0;
        try (LettaStandIn letta = new LettaStandIn()) {
            letta.delayResponses(lettaLatency);
            System.out.printf("%,d fires for %d agents, due %d s from now, Letta answering in %d ms%n", fires, agents, leadSeconds, lettaLatency.toMillis());
            drill.run(kafka, keys, letta, fires, agents, leadSeconds);
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            drill.services.values().forEach(s -> s.process().destroyForcibly());
        }
        // The embedded broker's threads would keep the JVM up.
        System.exit(exit);
    }

    private void run(KafkaFixture kafka, KeyMaterial keys, LettaStandIn letta, int fires, int agents, int leadSeconds) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String applicationId = "drill-planner-" + run;
        String group = "drill-executor-" + run;
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", kafka.schemaRegistryUrl());
        env.put("PUNCTUAL_KEYSET_PATH", work.resolve("keyset.json").toString());
        env.put("PUNCTUAL_LETTA_BASE_URL", letta.baseUrl());
        env.put("PUNCTUAL_TOPICS_PARTITIONS", Integer.toString(PARTITIONS));
        env.put("PUNCTUAL_PLANNER_APPLICATION_ID", applicationId);
        env.put("PUNCTUAL_EXECUTOR_GROUP_ID", group);
        // One tenant creates the whole burst: above the planner's default quota of 10,000 live schedules per tenant,
        // which would refuse half of a 20,000-fire burst (quota_exceeded), as in StandaloneKillDrillTest.
        env.put("PUNCTUAL_PLANNER_MAX_SCHEDULES_PER_TENANT", "0");
        // A one-time create applied more than once-grace after its time is refused (in_the_past): judged at apply
        // time, so a planner that was down or lagging refuses it. That rule is not what this drill measures; the
        // refusals it would cause are counted below all the same (creates answered, refused by reason).
        env.put("PUNCTUAL_PLANNER_ONCE_GRACE", "30m");

        Instant started = Instant.now();
        // In stages, as a rollout would: eight JVMs starting at once on a small machine time out creating topics.
        for (String p : List.of("planner-1", "planner-2")) {
            start(p, "io.punctual.planner.PlannerApplication", Map.of("PUNCTUAL_PLANNER_STATE_DIR", work.resolve(p).toString()));
        }
        awaitReady(new ArrayList<>(services.values()), Duration.ofMinutes(5));
        for (String e : List.of("executor-1", "executor-2", "executor-3")) {
            start(e, "io.punctual.executor.ExecutorApplication", Map.of("PUNCTUAL_EXECUTOR_INSTANCE_ID", e));
        }
        awaitReady(new ArrayList<>(services.values()), Duration.ofMinutes(5));
        for (String g : List.of("gateway-1", "gateway-2")) {
            start(g, "io.punctual.gateway.GatewayApplication", Map.of());
        }
        awaitReady(new ArrayList<>(services.values()), Duration.ofMinutes(5));
        System.out.printf("%d processes ready in %d s; logs in %s%n", services.size(), Duration.between(started, Instant.now()).toSeconds(), work);

        String prefix = "drill-" + run + "-";
        GroupWatch watch = new GroupWatch(kafka.admin(), Map.of(group, Topics.DUE.name(), applicationId, Topics.COMMANDS.name()), PARTITIONS,
                () -> deliveries(letta, prefix));
        watch.start();
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        Instant producing = Instant.now();
        Instant due = producing.plusSeconds(leadSeconds).truncatedTo(ChronoUnit.SECONDS);
        Set<String> fireIds = produce(kafka, serdes, keys, prefix, fires, agents, due);
        System.out.printf("%,d schedules for %d agents produced in %d s; all due at %s%n", fires, agents,
                Duration.between(producing, Instant.now()).toSeconds(), due);

        try (BurstLedger ledger = new BurstLedger(kafka, serdes, prefix, fireIds)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            ReadyAgain survivor = new ReadyAgain(services.get("planner-2"));
            List<Event> events = List.of(
                    new Event(0.05, "executor-4 started", () -> {
                        start("executor-4", "io.punctual.executor.ExecutorApplication", Map.of("PUNCTUAL_EXECUTOR_INSTANCE_ID", "executor-4"));
                        watch.joined("executor-4 started", group, "executor-4");
                    }),
                    new Event(0.30, "executor-1 SIGTERM", () -> {
                        long at = System.nanoTime();
                        Process executor1 = services.get("executor-1").process();
                        executor1.onExit().thenAccept(p -> System.out.printf("%nexecutor-1 exited (code %d) %,d ms after SIGTERM, its batch drained%n",
                                p.exitValue(), (System.nanoTime() - at) / 1_000_000));
                        executor1.destroy();
                        watch.left("executor-1 SIGTERM", group, "executor-1");
                    }),
                    new Event(0.50, "planner-1 SIGKILL", () -> {
                        services.get("planner-1").process().destroyForcibly();
                        watch.left("planner-1 SIGKILL", applicationId, "planner-1");
                        survivor.watch();
                    }));
            int next = 0;
            boolean createsReported = false;
            // A refused create never fires: once every create is answered, wait only for the accepted ones (the
            // refusals fail the drill all the same).
            while (ledger.withFinalResult() < fires - ledger.refused() && System.nanoTime() < deadline) {
                ledger.poll();
                if (!createsReported && ledger.createsAnswered() == fires) {
                    createsReported = true;
                    System.out.printf("%nall %,d creates answered by %s (%d ms before the due second), refused: %s%n", fires,
                            ledger.lastCreateAnswered(), Duration.between(ledger.lastCreateAnswered(), due).toMillis(), ledger.rejectedBy());
                }
                long sent = deliveries(letta, prefix);
                while (next < events.size() && sent >= events.get(next).atShare() * fires) {
                    Event event = events.get(next++);
                    event.action().run();
                    System.out.printf("%n%s: %s after %,d of %,d fires sent to Letta%n", Instant.now(), event.name(), sent, fires);
                }
                survivor.poll();
                System.out.printf("\r%s: %,d creates answered, %,d fires sent, %,d with a final result ", Instant.now(),
                        ledger.createsAnswered(), sent, ledger.withFinalResult());
            }
            Instant allFinal = Instant.now();
            // Read on a while: a second final result of a fire, or a move still settling, shows up now.
            long quiet = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < quiet || (!watch.allSettled() && System.nanoTime() < deadline)) {
                ledger.poll();
            }
            watch.stop();
            boolean movesSettled = watch.report();
            boolean gatewaysServe = gatewaysServe(List.of(prefix + 0, prefix + (fires - 1)));
            boolean ok = report(fires, ledger, due, allFinal, letta, prefix, next == events.size()) && movesSettled && gatewaysServe;
            System.out.printf("verdict: %s (run took %d s; load average now %s)%n", ok ? "PASS" : "FAIL",
                    Duration.between(started, Instant.now()).toSeconds(), loadAverage());
            if (!ok) {
                throw new IllegalStateException("scale-out drill failed; child logs in " + work);
            }
        }
    }

    /**
     * The planner left running after the other's kill: its readiness goes down while it rebalances and restores the
     * dead one's tasks from their changelogs, and up once it is RUNNING with them: that is when their schedules fire again.
     */
    private static final class ReadyAgain {
        private final Service service;
        private long since = -1;
        private boolean wentDown;

        ReadyAgain(Service service) {
            this.service = service;
        }

        void watch() {
            since = System.nanoTime();
        }

        void poll() {
            if (since < 0) {
                return;
            }
            boolean ready = status(service.port()) == 200;
            if (!ready && !wentDown) {
                wentDown = true;
                System.out.printf("%n%s not ready (rebalancing) %,d ms after the kill%n", service.name(), (System.nanoTime() - since) / 1_000_000);
            } else if (ready && wentDown) {
                System.out.printf("%n%s RUNNING again with all tasks %,d ms after the kill%n", service.name(), (System.nanoTime() - since) / 1_000_000);
                since = -1;
            }
        }
    }

    /**
     * Both gateways serve the burst's schedules through their own views of {@code punctual.schedules} (door 1,
     * {@code GET /v1/schedules/{id}} with the key the schedules were created with), each done by now.
     */
    private boolean gatewaysServe(List<String> scheduleIds) throws Exception {
        boolean all = true;
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            for (String id : scheduleIds) {
                URI uri = URI.create("http://localhost:" + services.get(gateway).port() + "/v1/schedules/" + id);
                String answer = "";
                int code = -1;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline) {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + API_KEY)
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    code = response.statusCode();
                    answer = response.body().replaceAll("(?s).*?\"status\"\\s*:\\s*\"([a-z_]+)\".*", "$1");
                    if (code == 200 && !answer.equals("active")) {
                        break;
                    }
                    Thread.sleep(500);
                }
                System.out.printf("%s: GET /v1/schedules/%s -> %d, status %s%n", gateway, id, code, code == 200 ? answer : "-");
                all &= code == 200 && !answer.equals("active");
            }
        }
        return all;
    }

    /** An event of the drill, run once {@code atShare} of the fires have been sent to Letta. */
    private record Event(double atShare, String name, ThrowingRunnable action) {
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Message calls that reached the stand-in for this burst (each attempt counts). */
    private static long deliveries(LettaStandIn letta, String prefix) {
        return letta.requests().stream().filter(r -> r.isMessage() && r.header("Idempotency-Key").orElse("").startsWith(prefix)).count();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private void start(String name, String mainClass, Map<String, String> extra) throws Exception {
        int port = freePort();
        Map<String, String> own = new HashMap<>(env);
        own.putAll(extra);
        if (name.startsWith("gateway")) {
            own.put("PUNCTUAL_HTTP_PORT", Integer.toString(port));
        } else {
            own.put("PUNCTUAL_MANAGEMENT_PORT", Integer.toString(port));
        }
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + CHILD_HEAP, "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + childLogConfig()));
        if (name.startsWith("planner")) {
            // Kafka Streams names its clients <client.id>-StreamThread-n-...: the group watch tells the planners apart by it.
            command.add("-Dkafka.client.id=" + name);
        }
        command.addAll(List.of("-cp", jar.toString(), mainClass));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        builder.environment().putAll(own);
        services.put(name, new Service(name, builder.start(), port));
    }

    /**
     * The services' own log configuration plus the Kafka clients' group coordination at INFO: each revocation and
     * assignment of partitions is then in the logs, next to what the group watch saw.
     */
    private Path childLogConfig() throws Exception {
        Path config = work.resolve("logback-drill.xml");
        if (!Files.exists(config)) {
            Files.writeString(config, """
                    <configuration>
                      <appender name="text" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="io.punctual" level="INFO"/>
                      <logger name="org.apache.kafka" level="WARN"/>
                      <logger name="org.apache.kafka.clients.consumer.internals.ConsumerCoordinator" level="INFO"/>
                      <logger name="org.apache.kafka.streams.processor.internals.StreamThread" level="INFO"/>
                      <logger name="org.apache.kafka.streams.processor.internals.TaskManager" level="INFO"/>
                      <logger name="io.micronaut" level="WARN"/>
                      <root level="WARN"><appender-ref ref="text"/></root>
                    </configuration>
                    """);
        }
        return config;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitReady(List<Service> list, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> ready = new HashSet<>();
        while (ready.size() < list.size()) {
            for (Service s : list) {
                if (!s.process().isAlive()) {
                    throw new IllegalStateException(s.name() + " exited; see " + work.resolve(s.name() + ".log"));
                }
                if (!ready.contains(s.name()) && status(s.port()) == 200) {
                    ready.add(s.name());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready: " + list.stream().map(Service::name).filter(n -> !ready.contains(n)).toList());
            }
            Thread.sleep(500);
        }
    }

    private static int status(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/readiness")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Produces the creates (acks=all) and returns the fire ids the burst must end with. */
    private static Set<String> produce(KafkaFixture kafka, TopicSerdes serdes, KeyMaterial keys, String prefix, int fires, int agents, Instant due) {
        Set<String> fireIds = new HashSet<>();
        ApiKeyCipher cipher = keys.apiKeyCipher();
        // The planner refuses a create whose tenant is not the one its key belongs to (tenant_mismatch).
        String tenant = keys.tenantIds().of(API_KEY);
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < fires; i++) {
                String id = prefix + i;
                LettaTarget target = LettaTarget.newBuilder()
                        .setAgentId("agent-" + (i % agents))
                        .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("drill " + i).build()))
                        .setMode(DeliveryMode.ASYNC)
                        .setApiKeyCiphertext(cipher.encrypt(API_KEY, id))
                        .build();
                ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target).setCadence(new OnceCadence(due)).build();
                ScheduleCommand command = ScheduleCommand.newBuilder().setCommandId("c-" + id).setScheduleId(id).setTenant(tenant)
                        .setIssuedAt(Instant.now()).setAction(CreateSchedule.newBuilder().setSpec(spec).build()).build();
                producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), id, serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), command)));
                fireIds.add(FireIds.of(id, due));
            }
            producer.flush();
        }
        return fireIds;
    }

    private static boolean report(int fires, BurstLedger ledger, Instant due, Instant allFinal, LettaStandIn letta, String prefix, boolean allEvents) {
        System.out.printf("%ncreates: %,d answered, refused by reason: %s%n", ledger.createsAnswered(), ledger.rejectedBy());
        System.out.printf("fires with a final result: %,d of %,d (%s); missing: %,d; with more than one final result: %d; RETRYING results: %d; "
                        + "%s %,d ms after the due second%n", ledger.withFinalResult(), fires, ledger.finalsByOutcome(), ledger.missing(),
                ledger.withMoreThanOneFinal(), ledger.retrying(), ledger.missing() == 0 ? "all final" : "gave up waiting",
                Duration.between(due, allFinal).toMillis());
        System.out.printf("fires whose first attempt was emitted to punctual.due more than once (the executors must not deliver them twice): %,d%n", ledger.emittedTwice());
        ledger.retryReasons().forEach((reason, n) -> System.out.printf("  RETRYING %,d x %s%n", n, reason));
        ledger.whereMissingStopped(letta).forEach((stage, ids) ->
                System.out.printf("  missing, %s: %,d, e.g. %s%n", stage, ids.size(), ids.subList(0, Math.min(5, ids.size()))));
        Map<String, Integer> accepted = new HashMap<>();
        Set<String> agentsCalled = new HashSet<>();
        long calls = 0;
        for (RecordedRequest request : letta.requests()) {
            String key = request.header("Idempotency-Key").orElse("");
            if (request.isMessage() && key.startsWith(prefix)) {
                calls++;
                agentsCalled.add(request.agentId());
                if (request.status() / 100 == 2) {
                    accepted.merge(key, 1, Integer::sum);
                }
            }
        }
        int worst = agentsCalled.stream().mapToInt(letta::maxConcurrentRequests).max().orElse(0);
        long duplicated = accepted.values().stream().filter(n -> n > 1).count();
        long extra = accepted.values().stream().mapToInt(n -> n - 1).sum();
        System.out.printf("Letta: %,d message calls, %,d fires accepted; duplicate deliveries: %d fires accepted more than once "
                + "(%d extra requests, each with the fire's Idempotency-Key); most concurrent requests to one agent: %d (over %d agents)%n",
                calls, accepted.size(), duplicated, extra, worst, agentsCalled.size());
        if (!allEvents) {
            System.out.println("not every event ran: the burst ended or stalled before its share of fires was sent");
        }
        return ledger.missing() == 0 && ledger.withMoreThanOneFinal() == 0 && worst <= 1 && allEvents;
    }

    private static int freePort() throws IOException {
        return BenchPorts.freePort();
    }
}

package io.punctual.bench.drill;

import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicProvisioner;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.net.ServerSocket;
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
import java.util.TreeMap;
import java.util.UUID;

/**
 * Scale-out drill: the services as separate processes from the jar, the way Kubernetes runs them, against one
 * embedded broker in this JVM: 2 gateways, 2 planners (one application id), 3 executors (one group). A burst of
 * one-time schedules all due in the same second; while it is delivered an executor is added, one is stopped with
 * SIGTERM and a planner is killed with SIGKILL. Checks that every fire ends with exactly one final result and that
 * no agent ever had two requests at once, and reports how long each partition move took (from the event until
 * every partition of the group is assigned again, polled every 200 ms).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.punctual.bench.drill.ScaleOutDrill standalone/target/punctual.jar [fires=20000] [agents=500]}
 */
public final class ScaleOutDrill {
    private static final int PARTITIONS = 6;
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
        KafkaFixture kafka = KafkaFixture.shared();
        new TopicProvisioner(kafka.admin(), PARTITIONS, (short) 1).ensureAll();
        Path work = Files.createTempDirectory("punctual-drill");
        KeyMaterial keys = KeyMaterial.readOrCreate(work.resolve("keyset.json"));
        ScaleOutDrill drill = new ScaleOutDrill(jar, work);
        int exit = 0;
        try (LettaStandIn letta = new LettaStandIn()) {
            letta.delayResponses(Duration.ofMillis(20));
            drill.run(kafka, keys.apiKeyCipher(), letta, fires, agents);
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            drill.services.values().forEach(s -> s.process().destroyForcibly());
        }
        // The embedded broker's threads would keep the JVM up.
        System.exit(exit);
    }

    private void run(KafkaFixture kafka, ApiKeyCipher cipher, LettaStandIn letta, int fires, int agents) throws Exception {
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
        System.out.printf("%d processes ready in %d s%n", services.size(), Duration.between(started, Instant.now()).toSeconds());

        GroupWatch watch = new GroupWatch(kafka.admin(), Map.of(group, Topics.DUE.name(), applicationId, Topics.COMMANDS.name()));
        watch.start();
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        String prefix = "drill-" + run + "-";
        Instant due = Instant.now().plusSeconds(30 + fires / 1000).truncatedTo(ChronoUnit.SECONDS);
        produce(kafka, serdes, cipher, prefix, fires, agents, due);
        System.out.printf("%,d schedules for %d agents produced; all due at %s%n", fires, agents, due);

        try (KafkaConsumer<byte[], byte[]> results = resultsReader(kafka)) {
            Map<String, Integer> finals = new HashMap<>();
            sleepUntil(due.plusSeconds(1));
            start("executor-4", "io.punctual.executor.ExecutorApplication", Map.of("PUNCTUAL_EXECUTOR_INSTANCE_ID", "executor-4"));
            watch.mark("executor-4 started");
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            boolean stoppedOne = false;
            boolean killedPlanner = false;
            while (finals.size() < fires && System.nanoTime() < deadline) {
                read(results, serdes, prefix, finals);
                if (!stoppedOne && Instant.now().isAfter(due.plusSeconds(6))) {
                    services.get("executor-1").process().destroy(); // SIGTERM
                    watch.mark("executor-1 SIGTERM");
                    stoppedOne = true;
                }
                if (!killedPlanner && Instant.now().isAfter(due.plusSeconds(9))) {
                    services.get("planner-1").process().destroyForcibly(); // SIGKILL
                    watch.mark("planner-1 SIGKILL");
                    killedPlanner = true;
                }
                System.out.printf("\r%s: %,d of %,d fires with a final result ", Instant.now(), finals.size(), fires);
            }
            Instant allFinal = Instant.now();
            // Read on a little longer: a second final result of a fire would show up now.
            long quiet = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < quiet) {
                read(results, serdes, prefix, finals);
            }
            watch.stop();
            report(fires, finals, due, allFinal, letta, prefix);
            watch.report();
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
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-Xmx384m", "-XX:+UseSerialGC", "-cp", jar.toString(), mainClass)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        builder.environment().putAll(own);
        services.put(name, new Service(name, builder.start(), port));
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

    private static void produce(KafkaFixture kafka, TopicSerdes serdes, ApiKeyCipher cipher, String prefix, int fires, int agents, Instant due) {
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
                        .setApiKeyCiphertext(cipher.encrypt("sk-drill", id))
                        .build();
                ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("drill").setTarget(target).setCadence(new OnceCadence(due)).build();
                ScheduleCommand command = ScheduleCommand.newBuilder().setCommandId("c-" + id).setScheduleId(id).setTenant("drill")
                        .setIssuedAt(Instant.now()).setAction(CreateSchedule.newBuilder().setSpec(spec).build()).build();
                producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), id, serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), command)));
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> resultsReader(KafkaFixture kafka) {
        Map<String, Object> props = kafka.consumerProps(kafka.uniqueName("drill-results"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(Topics.RESULTS.name()));
        return consumer;
    }

    private static void read(KafkaConsumer<byte[], byte[]> results, TopicSerdes serdes, String prefix, Map<String, Integer> finals) {
        for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
            ExecutionResult result = serdes.valueSerde(Topics.RESULTS).deserializer().deserialize(r.topic(), r.value());
            if (result.getScheduleId().startsWith(prefix) && result.getOutcome() != Outcome.RETRYING) {
                finals.merge(result.getFireId(), 1, Integer::sum);
            }
        }
    }

    private static void report(int fires, Map<String, Integer> finals, Instant due, Instant allFinal, LettaStandIn letta, String prefix) {
        long duplicates = finals.values().stream().filter(n -> n > 1).count();
        System.out.printf("%n%nfires with a final result: %,d of %,d; with more than one: %d; %s %d ms after the due second%n",
                finals.size(), fires, duplicates, finals.size() == fires ? "all final" : "gave up waiting", Duration.between(due, allFinal).toMillis());
        Map<String, Integer> perAgentMax = new TreeMap<>();
        Map<String, Integer> requestsPerFire = new HashMap<>();
        for (RecordedRequest request : letta.requests()) {
            String agent = request.path().replaceAll(".*/agents/([^/]+)/.*", "$1");
            perAgentMax.computeIfAbsent(agent, letta::maxConcurrentRequests);
            request.header("Idempotency-Key").ifPresent(k -> requestsPerFire.merge(k, 1, Integer::sum));
        }
        int worst = perAgentMax.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long resent = requestsPerFire.values().stream().filter(n -> n > 1).count();
        System.out.printf("Letta requests: %,d for %,d fires (%d fires sent more than once, each with the same Idempotency-Key); "
                + "most concurrent requests to one agent: %d (over %d agents)%n", letta.requests().size(), requestsPerFire.size(), resent, worst, perAgentMax.size());
        System.out.printf("verdict: %s%n", finals.size() == fires && duplicates == 0 && worst <= 1 ? "PASS" : "FAIL");
    }

    private static void sleepUntil(Instant at) throws InterruptedException {
        long ms = Duration.between(Instant.now(), at).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Polls the groups' assignments and times each move: from a marked event until every partition is owned again and unchanged. */
    static final class GroupWatch {
        private final org.apache.kafka.clients.admin.Admin admin;
        private final Map<String, String> groups;
        private final List<String> log = new ArrayList<>();
        private final Map<String, Map<TopicPartition, String>> last = new HashMap<>();
        private volatile boolean running = true;
        private Thread thread;
        private volatile String pendingEvent;
        private volatile long pendingSince;
        private final Map<String, Long> lastChange = new HashMap<>();

        GroupWatch(org.apache.kafka.clients.admin.Admin admin, Map<String, String> groups) {
            this.admin = admin;
            this.groups = groups;
        }

        void start() {
            thread = new Thread(this::loop, "drill-group-watch");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void mark(String event) {
            log.add(String.format("%s  %s", Instant.now(), event));
            pendingEvent = event;
            pendingSince = System.nanoTime();
        }

        private void loop() {
            while (running) {
                try {
                    Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups.keySet()).all().get();
                    for (Map.Entry<String, ConsumerGroupDescription> e : described.entrySet()) {
                        Map<TopicPartition, String> owners = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
                        for (MemberDescription m : e.getValue().members()) {
                            for (TopicPartition tp : m.assignment().topicPartitions()) {
                                if (tp.topic().equals(groups.get(e.getKey()))) {
                                    owners.put(tp, m.clientId());
                                }
                            }
                        }
                        Map<TopicPartition, String> before = last.put(e.getKey(), owners);
                        if (before != null && !before.equals(owners)) {
                            long now = System.nanoTime();
                            lastChange.put(e.getKey(), now);
                            synchronized (this) {
                                String since = pendingEvent == null ? "" : String.format(" (%d ms after %s)", (now - pendingSince) / 1_000_000, pendingEvent);
                                log.add(String.format("%s  %s: %d of %d partitions owned, by %s%s", Instant.now(), e.getKey(),
                                        owners.size(), PARTITIONS, new TreeMap<>(countByOwner(owners)), since));
                            }
                        }
                    }
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    return;
                } catch (Exception ex) {
                    log.add(Instant.now() + "  describe failed: " + ex);
                }
            }
        }

        private static Map<String, Integer> countByOwner(Map<TopicPartition, String> owners) {
            Map<String, Integer> counts = new HashMap<>();
            owners.values().forEach(o -> counts.merge(o.replaceAll("-(consumer|StreamThread).*", ""), 1, Integer::sum));
            return counts;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(2000);
        }

        synchronized void report() {
            System.out.println("Group assignments (a partition move ends at the first line with all partitions owned after the event):");
            log.forEach(l -> System.out.println("  " + l));
        }
    }
}

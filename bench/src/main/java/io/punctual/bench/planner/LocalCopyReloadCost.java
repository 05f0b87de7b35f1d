package io.punctual.bench.planner;

import io.punctual.planner.PlannerSettings;
import io.punctual.planner.PlannerTopology;
import io.punctual.planner.metrics.ScheduleCensus;
import io.punctual.planner.metrics.TaskCensus;
import io.punctual.planner.state.ScheduleReload;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a task pays when its unlogged stores are reloaded (after a crash, or when the task moved): the planner's
 * topology in a TopologyTestDriver over empty RocksDB stores, with N schedules on punctual.schedules (the embedded
 * broker, one partition, written in transactions as the planner commits), read as the planner reads it
 * (read_committed); the first punctuation finds no session, reloads the schedules store from the topic and rebuilds
 * the timeline from it. Reports that punctuation's wall time. The broker runs in this JVM, so its CPU is in the figure.
 * Then what a clean restart does instead: the census counts that store in its slices; reports their number and cost.
 * Usage: LocalCopyReloadCost [N...=10000 1000000] (the first run also warms the JIT up)
 */
public final class LocalCopyReloadCost {
    private static final Instant START = Instant.parse("2025-03-03T08:00:00Z");

    private LocalCopyReloadCost() {
    }

    public static void main(String[] args) throws Exception {
        TopicSerdes serdes = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
        int[] sizes = args.length == 0 ? new int[]{10_000, 1_000_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int stored : sizes) {
            measure(serdes, stored);
        }
        System.exit(0);
    }

    private static void measure(TopicSerdes serdes, int stored) throws Exception {
        Serializer<ScheduleState> encoder = serdes.valueSerde(Topics.SCHEDULES).serializer();
        long seedStart = System.nanoTime();
        ScheduleReload.Opener opener = onBroker(encoder, stored, Instant.parse("2026-03-02T08:00:00Z"));
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        try (TopologyTestDriver driver = PlannerDriver.open(serdes, "reload-" + stored, START, opener)) {
            long start = System.nanoTime();
            driver.advanceWallClockTime(Duration.ofMillis(100));
            double seconds = (System.nanoTime() - start) / 1e9;
            KeyValueStore<Bytes, byte[]> timeline = driver.getKeyValueStore(PlannerTopology.TIMELINE_STORE);
            long entries = 0;
            try (KeyValueIterator<Bytes, byte[]> it = timeline.all()) {
                for (; it.hasNext(); it.next()) {
                    entries++;
                }
            }
            long reloaded;
            try (KeyValueIterator<String, byte[]> it = driver.<String, byte[]>getKeyValueStore(PlannerTopology.SCHEDULES_STORE).all()) {
                for (reloaded = 0; it.hasNext(); it.next()) {
                    reloaded++;
                }
            }
            if (reloaded != stored || entries != stored) {
                throw new IllegalStateException(reloaded + " schedules reloaded and " + entries + " timeline entries, not " + stored);
            }
            System.out.printf("%,9d schedules on punctual.schedules (written in %.1f s): reloaded and timeline rebuilt in %.2f s (%,.1f µs per schedule), %,d entries%n",
                    stored, seedSeconds, seconds, seconds * 1e6 / stored, entries);
            countKeptCopy(serdes, stored, driver.getKeyValueStore(PlannerTopology.SCHEDULES_STORE));
        }
    }

    /**
     * What a task restarted cleanly on the copy it kept does instead of a reload: it counts the copy for
     * punctual_planner_schedules in slices, one per punctuation (TaskCensus.SLICE states, 25 ms apart), over
     * the same RocksDB store. A TopologyTestDriver deletes its state directory when it closes, so the restart itself
     * cannot be driven here; the slices are the census' own scan of the store the reload just filled.
     */
    private static void countKeptCopy(TopicSerdes serdes, int stored, KeyValueStore<String, byte[]> kept) {
        ScheduleCensus instance = new ScheduleCensus(serdes.registry());
        TaskCensus census = instance.opened(kept);
        long total = 0;
        long slowest = 0;
        int slices = 0;
        while (!census.known()) {
            long start = System.nanoTime();
            census.scan(kept, TaskCensus.SLICE);
            long took = System.nanoTime() - start;
            total += took;
            slowest = Math.max(slowest, took);
            slices++;
        }
        if (instance.count(ScheduleStatus.ACTIVE) != stored) {
            throw new IllegalStateException("census " + instance.count(ScheduleStatus.ACTIVE) + ", not " + stored);
        }
        Duration interval = PlannerSettings.defaults().punctuateInterval();
        System.out.printf("%,9d schedules kept (a clean restart): counted in %,d slices of %,d, one per punctuation (%.1f s at %d ms), "
                        + "%.2f s of the stream thread in all, %.2f ms per slice on average (%.2f µs per schedule), slowest %.1f ms%n",
                stored, slices, TaskCensus.SLICE, slices * interval.toMillis() / 1000.0, interval.toMillis(), total / 1e9,
                total / 1e6 / slices, total / 1e3 / stored, slowest / 1e6);
    }

    /**
     * Writes the schedules to punctual.schedules of one partition on the embedded broker (created with
     * punctual.commands, which the reload checks for the same width; an earlier size's records deleted first, so the
     * partition starts where this size's begin), in transactions of 10,000 as the planner commits.
     */
    private static ScheduleReload.Opener onBroker(Serializer<ScheduleState> encoder, int stored, Instant next) throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Admin admin = kafka.admin();
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = Stream.of(Topics.SCHEDULES.name(), Topics.COMMANDS.name()).filter(t -> !existing.contains(t))
                .map(t -> new NewTopic(t, 1, (short) 1)).toList();
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        TopicPartition partition = new TopicPartition(Topics.SCHEDULES.name(), 0);
        long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get(30, TimeUnit.SECONDS).offset();
        admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(end))).all().get(30, TimeUnit.SECONDS);
        Map<String, Object> props = new HashMap<>(kafka.producerProps());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reload-cost-" + stored);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (int i = 0; i < stored; i += 10_000) {
                producer.beginTransaction();
                for (int j = i; j < Math.min(stored, i + 10_000); j++) {
                    producer.send(new ProducerRecord<>(Topics.SCHEDULES.name(), 0, "s-" + j, encoder.serialize(Topics.SCHEDULES.name(), state("s-" + j, next))));
                }
                producer.commitTransaction();
            }
        }
        // The planner's own consumer, configured from an exactly-once application's settings on this broker.
        Map<String, Object> streams = new HashMap<>();
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "reload-cost");
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return config -> ScheduleReload.FROM_KAFKA.open(streams);
    }

    private static ScheduleState state(String id, Instant next) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-" + id)
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("tick").build()))
                .setMode(DeliveryMode.ASYNC).setApiKeyCiphertext(ByteBuffer.allocate(16)).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("bench").setTarget(target)
                .setCadence(new CronCadence("0 9 2 3 *", "Europe/Berlin")).build();
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(spec).setStatus(ScheduleStatus.ACTIVE).setVersion(1)
                .setCreatedAt(START).setUpdatedAt(START).setNextFireAt(next).build();
    }
}

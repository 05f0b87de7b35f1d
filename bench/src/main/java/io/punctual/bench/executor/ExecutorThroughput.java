package io.punctual.bench.executor;

import io.micronaut.context.ApplicationContext;
import io.punctual.executor.kafka.DeliveryService;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.fire.FireIds;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Load driver: how many fires per second one executor delivers to a local HTTP endpoint (the Letta stand-in)
 * with their results committed. Produces N due events to {@code punctual.due} (as the planner would, in
 * transactions), and measures from the first produce until the N-th result is readable with read_committed.
 *
 * <pre>java -cp ... io.punctual.bench.executor.ExecutorThroughput [fires=20000] [agents=2000] [maxInFlight=64] [maxPollRecords=500] [latencyMs=0]</pre>
 */
public final class ExecutorThroughput {
    private ExecutorThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int fires = arg(args, 0, 20_000);
        int agents = arg(args, 1, 2_000);
        int maxInFlight = arg(args, 2, 64);
        int maxPollRecords = arg(args, 3, 500);
        int latencyMs = arg(args, 4, 0);
        // Logging every request at DEBUG would measure the logger, not the executor.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);

        KafkaFixture kafka = KafkaFixture.shared();
        KeyMaterial keys = KeyMaterial.generate();
        String groupId = kafka.uniqueName("bench-executor");
        try (LettaStandIn endpoint = new LettaStandIn()) {
            endpoint.delayResponses(Duration.ofMillis(latencyMs));
            ApplicationContext executor = ApplicationContext.run(Map.of(
                    ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl(),
                    ConfigKeys.KEYSET_JSON, keys.toJson(),
                    ConfigKeys.LETTA_BASE_URL, endpoint.baseUrl(),
                    ConfigKeys.PLANNER_ENABLED, "false",
                    ConfigKeys.GATEWAY_ENABLED, "false",
                    ConfigKeys.EXECUTOR_GROUP_ID, groupId,
                    ConfigKeys.EXECUTOR_MAX_IN_FLIGHT, Integer.toString(maxInFlight),
                    ConfigKeys.EXECUTOR_MAX_POLL_RECORDS, Integer.toString(maxPollRecords)));
            DeliveryService service = executor.getBean(DeliveryService.class);
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!service.isReady() && System.nanoTime() < readyBy) {
                Thread.sleep(20);
            }
            TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
            List<ProducerRecord<byte[], byte[]>> records = dueEvents(fires, agents, keys.apiKeyCipher(), serdes.valueSerde(Topics.DUE).serializer());
            Set<String> ids = new HashSet<>();
            Deserializer<ExecutionResult> results = serdes.valueSerde(Topics.RESULTS).deserializer();

            try (KafkaConsumer<byte[], byte[]> reader = resultsReaderAtEnd(kafka)) {
                records.forEach(r -> ids.add(new String(r.headers().lastHeader("fire").value(), StandardCharsets.UTF_8)));
                long started = System.nanoTime();
                produce(kafka, records);
                long produced = System.nanoTime();
                int seen = 0;
                int delivered = 0;
                while (seen < fires) {
                    for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
                        ExecutionResult result = results.deserialize(Topics.RESULTS.name(), record.value());
                        if (ids.remove(result.getFireId())) {
                            seen++;
                            if (result.getOutcome() == Outcome.DELIVERED) {
                                delivered++;
                            }
                        }
                    }
                    if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(10)) {
                        throw new IllegalStateException("only " + seen + " of " + fires + " results after 10 minutes");
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("executor throughput: %d fires to %d agents, max-in-flight %d, max-poll-records %d, endpoint latency %d ms%n",
                        fires, agents, maxInFlight, maxPollRecords, latencyMs);
                System.out.printf("  producing took %.2f s; all %d results committed after %.2f s (%d delivered): %.0f fires/s%n",
                        (produced - started) / 1e9, seen, seconds, delivered, fires / seconds);
            }
            executor.close();
        }
        System.exit(0);
    }

    private static List<ProducerRecord<byte[], byte[]>> dueEvents(int fires, int agents, ApiKeyCipher cipher, Serializer<DueEvent> serializer) {
        List<String> agentIds = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            agentIds.add("agent-" + UUID.randomUUID());
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(fires);
        Instant at = Instant.now();
        for (int i = 0; i < fires; i++) {
            String agent = agentIds.get(i % agents);
            String scheduleId = "sched-" + UUID.randomUUID();
            DueEvent fire = DueEvent.newBuilder()
                    .setFireId(FireIds.of(scheduleId, at)).setScheduleId(scheduleId).setTenant("bench")
                    .setScheduledFor(at).setEmittedAt(at).setAttempt(1)
                    .setTarget(LettaTarget.newBuilder().setAgentId(agent)
                            .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("tick " + i).build()))
                            .setApiKeyCiphertext(cipher.encrypt("sk-bench", scheduleId)).build())
                    .build();
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.DUE.name(), agent.getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(Topics.DUE.name(), fire));
            record.headers().add("fire", fire.getFireId().getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        return records;
    }

    private static void produce(KafkaFixture kafka, List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("bench-planner"));
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            // Transactions of 1,000, as the planner's punctuations would emit them.
            for (int from = 0; from < records.size(); from += 1_000) {
                producer.beginTransaction();
                records.subList(from, Math.min(records.size(), from + 1_000)).forEach(producer::send);
                producer.commitTransaction();
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> resultsReaderAtEnd(KafkaFixture kafka) throws Exception {
        Map<String, Object> props = kafka.consumerProps(kafka.uniqueName("bench-results"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESULTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        kafka.admin().listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS)
                .forEach((p, info) -> consumer.seek(p, info.offset()));
        return consumer;
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}

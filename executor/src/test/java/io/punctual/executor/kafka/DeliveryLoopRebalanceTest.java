package io.punctual.executor.kafka;

import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.executor.retry.RetryBackoff;
import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.executor.support.Fires;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rebalances against a MockConsumer and a MockProducer: bounded, partition by partition, nothing committed twice. */
class DeliveryLoopRebalanceTest {
    private static final TopicPartition P0 = new TopicPartition(Topics.DUE.name(), 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.DUE.name(), 1);
    private static final Duration REVOCATION_WAIT = Duration.ofSeconds(1);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final Map<String, DueEvent> firesById = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Attempt>> deliveries = new ConcurrentHashMap<>();
    private final Fires fires = new Fires(KeyMaterial.generate().apiKeyCipher());
    private DeliveryLoop loop;
    private Thread thread;

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.stop();
            loop.awaitStopped(Duration.ofSeconds(10));
        }
    }

    @Test
    void consumersRebalanceCooperativelyAndJoinStaticallyWhenAsked() {
        ExecutorSettings settings = new ExecutorSettings("group", "executor-0", 4, Duration.ofSeconds(30), "http://letta");
        KafkaSettings kafka = new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092"));
        Map<String, Object> dynamic = new ExecutorKafkaClients(kafka, settings, 10).consumerProperties();
        assertThat(dynamic).containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName())
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        assertThat(new ExecutorKafkaClients(kafka, settings, 10, Optional.of("executor-0")).consumerProperties())
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "executor-0");
    }

    @Test
    void theTransactionalProducerRetriesAfterTenMillisecondsUnlessConfiguredOtherwise() {
        ExecutorSettings settings = new ExecutorSettings("group", "executor-0", 4, Duration.ofSeconds(30), "http://letta");
        KafkaSettings byDefault = new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092"));
        assertThat(new ExecutorKafkaClients(byDefault, settings, 10).producerProperties())
                .containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, KafkaSettings.TRANSACTIONAL_RETRY_BACKOFF_MS);
        KafkaSettings configured = new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092", ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "250"));
        assertThat(new ExecutorKafkaClients(configured, settings, 10).producerProperties())
                .containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "250");
    }

    @Test
    void stopGraceOutlastsARequestAndRevocationWaitsLessThanThePollInterval() {
        assertThat(DeliveryService.shutdownGrace(Duration.ofSeconds(30))).isGreaterThan(Duration.ofSeconds(30));
        assertThat(DeliveryService.revocationWait(Duration.ofSeconds(30), Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(32));
        assertThat(DeliveryService.revocationWait(Duration.ofSeconds(30), Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aRevokedPartitionWaitsForItsDeliveriesOnlyBoundedlyAndTheOthersGoOn() {
        startLoop();
        DueEvent quick = fire();
        DueEvent stuck = fire();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.addRecord(record(P0, 0, quick));
            consumer.addRecord(record(P1, 0, stuck));
        });
        await("both fires in delivery").atMost(Duration.ofSeconds(30)).until(() -> deliveries.size() == 2);
        deliveries.get(quick.getFireId()).complete(delivered(quick));
        await("the quick fire committed").atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(1).equals(committed(P0)));

        // P1 is taken away while its fire never answers: the rebalance goes through after the bounded wait.
        long revokedAt = System.nanoTime();
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
        await("the rebalance done").atMost(Duration.ofSeconds(30)).until(() -> consumer.assignment().equals(Set.of(P0)));
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(REVOCATION_WAIT.plusSeconds(10));

        // Its fire answers later: it is the next owner's now, so this member commits nothing for P1.
        deliveries.get(stuck.getFireId()).complete(delivered(stuck));
        DueEvent next = fire();
        consumer.schedulePollTask(() -> consumer.addRecord(record(P0, 1, next)));
        await("the next fire of P0 in delivery").atMost(Duration.ofSeconds(30)).until(() -> deliveries.containsKey(next.getFireId()));
        deliveries.get(next.getFireId()).complete(delivered(next));
        await("P0 goes on").atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(2).equals(committed(P0)));
        assertThat(committed(P1)).as("nothing committed for the revoked partition").isNull();
        assertThat(loop.isHealthy()).isTrue();
    }

    private void startLoop() {
        ExecutorSettings settings = new ExecutorSettings("group", "executor-0", 4, Duration.ofSeconds(30), "http://letta");
        KafkaSettings kafka = new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092"));
        ExecutorKafkaClients clients = new ExecutorKafkaClients(kafka, settings, 10) {
            @Override
            public Consumer<byte[], byte[]> consumer() {
                return consumer;
            }

            @Override
            public Producer<byte[], byte[]> producer() {
                return producer;
            }

            @Override
            Map<TopicPartition, Long> highWatermarks(Collection<TopicPartition> partitions) {
                return Map.of(new TopicPartition(Topics.RESULTS.name(), 0), 0L);
            }

            @Override
            public Consumer<byte[], byte[]> committedReader() {
                // Nothing to restore: no result was written in the window (MockConsumer has no offsetsForTimes).
                MockConsumer<byte[], byte[]> reader = new MockConsumer<>("earliest") {
                    @Override
                    public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> query) {
                        return Map.of();
                    }
                };
                reader.updatePartitions(Topics.RESULTS.name(), List.of(new PartitionInfo(Topics.RESULTS.name(), 0, null, null, null)));
                reader.updateEndOffsets(Map.of(new TopicPartition(Topics.RESULTS.name(), 0), 0L));
                return reader;
            }
        };
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        TopicSerdes serdes = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
        FireDispatcher dispatcher = new FireDispatcher(fire -> deliveries.computeIfAbsent(fire.getFireId(), id -> new CompletableFuture<>()),
                new RetryPolicyEnforcer(RetryBackoff.withRandomJitter(Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC()), 4);
        loop = new DeliveryLoop(clients, new DueRecordDecoder((topic, bytes) -> firesById.get(new String(bytes, StandardCharsets.UTF_8))),
                dispatcher, new ResultRecords(serdes), Duration.ofSeconds(2), REVOCATION_WAIT, new FinishedFires(100), Duration.ofMinutes(1),
                UserTopicCheck.NONE);
        thread = new Thread(loop, "delivery-loop-test");
        thread.setDaemon(true);
        thread.start();
    }

    private DueEvent fire() {
        DueEvent fire = fires.kafkaFire("user-topic", null, "{}");
        firesById.put(fire.getFireId(), fire);
        return fire;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, DueEvent fire) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, fire.getScheduleId().getBytes(StandardCharsets.UTF_8),
                fire.getFireId().getBytes(StandardCharsets.UTF_8));
    }

    private static Attempt delivered(DueEvent fire) {
        Instant now = Instant.now();
        return Attempt.finished(ExecutionResults.delivered(fire, now, now, null, null));
    }

    /** The last offset committed for the partition in the producer's transactions, or null. */
    private Long committed(TopicPartition partition) {
        Long last = null;
        for (Map<String, Map<TopicPartition, OffsetAndMetadata>> commit : producer.consumerGroupOffsetsHistory()) {
            for (Map<TopicPartition, OffsetAndMetadata> offsets : commit.values()) {
                if (offsets.containsKey(partition)) {
                    last = offsets.get(partition).offset();
                }
            }
        }
        return last;
    }
}

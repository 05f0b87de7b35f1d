package io.punctual.executor.kafka;

import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.metrics.ExecutorMeters;
import io.punctual.kernel.config.KafkaSettings;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the loop's consumer and transactional producer. Both work on bytes: decoding is the loop's job, so
 * that a record that does not decode can be dead-lettered as it was instead of failing the poll.
 *
 * <p>Plain Kafka clients, not micronaut-kafka's {@code @KafkaListener}: the loop commits the offsets it consumed
 * inside the producer's transaction (with the consumer's group metadata), pauses its partitions while a batch is in
 * flight (polling on to stay in the group) and holds a rebalance until the deliveries in flight end; a listener
 * method owns none of that. The common client
 * properties still come from the one {@code kafka.*} surface ({@link KafkaSettings}).
 */
class ExecutorKafkaClients {
    private final KafkaSettings kafka;
    private final ExecutorSettings settings;
    private final int maxPollRecords;

    private final Optional<String> groupInstanceId;

    ExecutorKafkaClients(KafkaSettings kafka, ExecutorSettings settings, int maxPollRecords) {
        this(kafka, settings, maxPollRecords, Optional.empty());
    }

    /** @param groupInstanceId for static membership: a stable id per instance (a StatefulSet pod name), else empty */
    ExecutorKafkaClients(KafkaSettings kafka, ExecutorSettings settings, int maxPollRecords, Optional<String> groupInstanceId) {
        this.kafka = kafka;
        this.settings = settings;
        this.maxPollRecords = maxPollRecords;
        this.groupInstanceId = groupInstanceId;
    }

    Consumer<byte[], byte[]> consumer() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
        ExecutorMeters.global().bindConsumer(consumer);
        return consumer;
    }

    /** How long a rebalance may wait for this member: the consumer's max.poll.interval.ms. */
    Duration maxPollInterval() {
        Object configured = consumerProperties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        return Duration.ofMillis(configured == null ? 300_000 : Long.parseLong(configured.toString()));
    }

    Map<String, Object> consumerProperties() {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-consumer");
        // Only fires of committed planner transactions are real; an aborted one may be emitted again.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed in the producer's transaction, together with the results.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        // A crashed executor's partitions (and their due fires) move on after the session timeout: 10 s instead of
        // Kafka's 45 s keeps fires of a dead executor from waiting long; kafka.session.timeout.ms still overrides it.
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // Cooperative rebalancing: a member joining or leaving moves only the partitions that change owner; the
        // others keep being delivered instead of every executor stopping for every rebalance.
        props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // Static membership: a restarted instance takes its partitions back within the session timeout, no rebalance.
        groupInstanceId.ifPresent(id -> props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        return props;
    }

    /** A group-less reader of committed records, for restoring state from a topic. */
    Consumer<byte[], byte[]> committedReader() {
        Map<String, Object> props = readerProperties("-restore", "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(props);
    }

    /**
     * The partitions' ends including records of transactions still open (the high watermarks). A restore reads with
     * read_committed up to these, not up to its own end offsets: those stop before the first open transaction, and
     * an instance killed mid-transaction leaves one open until the broker aborts it (transaction.timeout.ms plus the
     * broker's check interval), hiding every state committed after it. Reading up to the high watermark waits for it.
     */
    Map<TopicPartition, Long> highWatermarks(Collection<TopicPartition> partitions) {
        try (KafkaConsumer<byte[], byte[]> ends = new KafkaConsumer<>(readerProperties("-ends", "read_uncommitted"))) {
            // Assigned first: Kafka 4.1 logs a WARN per partition when the answer names partitions the consumer has
            // not assigned ("Not updating high watermark ... no longer assigned", KAFKA-20131; DEBUG from 4.4 on,
            // KAFKA-20449), 18 lines at every executor start. Assigning fetches nothing until a poll, which never comes.
            ends.assign(partitions);
            return new HashMap<>(ends.endOffsets(partitions));
        }
    }

    /** A group-less byte reader's settings: no offsets committed, the given isolation level. */
    private Map<String, Object> readerProperties(String clientIdSuffix, String isolationLevel) {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + clientIdSuffix);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    Producer<byte[], byte[]> producer() {
        return new KafkaProducer<>(producerProperties());
    }

    Map<String, Object> producerProperties() {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        // A transaction opens only once a batch's deliveries are done, so it lasts milliseconds. An instance that
        // died with one open blocks read_committed readers of its partitions until this timeout (unless it comes
        // back with the same instance id, which fences it at once), so it is far below Kafka's 60 s default.
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-producer");
        // A commit sends a batch's results and agents' states at once, tens of kilobytes per partition: batches of
        // 256 KB instead of Kafka's 16 KB make a few large record batches per partition, which cost the broker less
        // per record (measured: ~10 µs of broker CPU per fire less). kafka.batch.size still overrides it.
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        props.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, KafkaSettings.TRANSACTIONAL_RETRY_BACKOFF_MS);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }
}

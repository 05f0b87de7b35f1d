package io.punctual.executor.kafka;

import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.metrics.ExecutorMeters;
import io.punctual.schemas.config.KafkaSettings;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Map;

/**
 * Creates the loop's consumer and transactional producer. Both work on bytes: decoding is the loop's job, so
 * that a record that does not decode can be dead-lettered as it was instead of failing the poll.
 */
public final class ExecutorKafkaClients {
    private final KafkaSettings kafka;
    private final ExecutorSettings settings;
    private final int maxPollRecords;

    public ExecutorKafkaClients(KafkaSettings kafka, ExecutorSettings settings, int maxPollRecords) {
        this.kafka = kafka;
        this.settings = settings;
        this.maxPollRecords = maxPollRecords;
    }

    public Consumer<byte[], byte[]> consumer() {
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
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        ExecutorMeters.global().bindConsumer(consumer);
        return consumer;
    }

    /** A group-less reader of committed records, for restoring state from a topic. */
    public Consumer<byte[], byte[]> committedReader() {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-restore");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    public Producer<byte[], byte[]> producer() {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        // A transaction opens only once a batch's deliveries are done, so it lasts milliseconds. An instance that
        // died with one open blocks read_committed readers of its partitions until this timeout (unless it comes
        // back with the same instance id, which fences it at once), so it is far below Kafka's 60 s default.
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-producer");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }
}

package io.punctual.bench.headline;

import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicDef;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The bench's Kafka clients against a standalone child: a fast byte producer and committed-only topic tails. */
final class KafkaSide {
    final TopicSerdes serdes;
    private final String bootstrap;

    KafkaSide(StandaloneChild child) {
        this.bootstrap = child.bootstrapServers();
        this.serdes = new TopicSerdes(child.registryUrl());
    }

    /**
     * A producer that is not the bottleneck: pre-serialized values, large batches, a short linger.
     *
     * @param transactionalId null for a plain idempotent producer
     */
    KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props);
    }

    /** Sends every record and waits until all are acknowledged. */
    static void sendAll(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        for (ProducerRecord<byte[], byte[]> record : records) {
            producer.send(record);
        }
        producer.flush();
    }

    /** Reads a topic from its current end, committed records only (what any reader of the topic would see). */
    <T> Tail<T> tail(TopicDef<T> topic) {
        return new Tail<>(committedFromEnd(bootstrap, topic.name(), 20), serdes.valueSerde(topic).deserializer(), topic.name());
    }

    /** A read_committed consumer of every partition of a topic, positioned at its end; bytes in, bytes out. */
    static KafkaConsumer<byte[], byte[]> committedFromEnd(String bootstrap, String topic, int fetchMaxWaitMs) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /** A committed-only reader of one topic, decoding each value. */
    static final class Tail<T> implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Deserializer<T> deserializer;
        private final String topic;

        private Tail(KafkaConsumer<byte[], byte[]> consumer, Deserializer<T> deserializer, String topic) {
            this.consumer = consumer;
            this.deserializer = deserializer;
            this.topic = topic;
        }

        /** Polls once and hands every decoded value to the sink; returns how many it read. */
        int poll(Consumer<T> sink) {
            int n = 0;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                sink.accept(deserializer.deserialize(topic, record.value()));
                n++;
            }
            return n;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

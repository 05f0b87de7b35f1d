package io.punctual.executor.support;

import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/** Reads a whole topic from the start, committed records only, and keeps what it read; for the test thread. */
public final class TopicTail implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    public TopicTail(KafkaFixture kafka, String topic) {
        Map<String, Object> props = kafka.consumerProps(kafka.uniqueName("tail"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Waits until at least {@code count} records match and returns those read so far that match. */
    public List<ConsumerRecord<byte[], byte[]>> awaitMatching(String what, int count, Predicate<ConsumerRecord<byte[], byte[]>> filter) {
        List<ConsumerRecord<byte[], byte[]>> matched = new ArrayList<>();
        int[] examined = {0};
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).until(() -> {
            poll();
            // Only the records read since the last check: a filter may decode, and topics grow to many thousands.
            for (; examined[0] < records.size(); examined[0]++) {
                if (filter.test(records.get(examined[0]))) {
                    matched.add(records.get(examined[0]));
                }
            }
            return matched.size() >= count;
        });
        return matched;
    }

    /** Reads up to the current end of every partition (all committed records written before the call). */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        Awaitility.await("reading to the end").atMost(Duration.ofSeconds(30)).until(() -> {
            poll();
            return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        });
        return List.copyOf(records);
    }

    public List<ConsumerRecord<byte[], byte[]>> matching(Predicate<ConsumerRecord<byte[], byte[]>> filter) {
        return records.stream().filter(filter).toList();
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package io.punctual.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** Searches every record of every topic of a broker, internal topics and aborted transactions included, for secrets. */
public final class PlaintextScan {
    private PlaintextScan() {
    }

    /**
     * Reads every topic to its end and fails on the first record whose key, value or header contains one of the
     * secrets as UTF-8 bytes.
     *
     * @return the topics read and the number of records read, so a caller can check the scan saw something
     */
    public static Result assertNoneInTopics(String bootstrapServers, List<String> secrets) {
        List<byte[]> needles = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        int records = 0;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     // Aborted transactions are on disk too; a secret there would leak as well.
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    for (byte[] needle : needles) {
                        check(record.value(), needle, record, "value");
                        check(record.key(), needle, record, "key");
                        record.headers().forEach(h -> check(h.value(), needle, record, "header " + h.key()));
                    }
                }
            }
            return new Result(topics, records);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not list the broker's topics", e);
        }
    }

    private static void check(byte[] haystack, byte[] needle, ConsumerRecord<?, ?> record, String where) {
        if (contains(haystack, needle)) {
            throw new AssertionError("A secret in plaintext in the " + where + " of " + record.topic() + "-" + record.partition()
                    + " at offset " + record.offset());
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** What a scan read. */
    public record Result(Set<String> topics, int records) {
    }
}

package io.punctual.planner.state;

import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fills a task's schedules store from its partition of punctual.schedules, the store's only log: every state the
 * planner stores it also publishes there, in the same transaction, with the same key and bytes, so the topic's
 * committed records, last one per key, are the store. Kafka Streams cannot restore a store from a topic it does not
 * name itself ({@code <application id>-<store>-changelog}); a second log of every state cost a record per create and
 * two per fire, so the store is unlogged and reloaded here when {@link LocalCopySession} says the local copy may lag.
 *
 * <p>The topic is keyed by schedule id and has as many partitions as the commands (the topic catalog provisions
 * every topic alike), so a task's schedules are in the partition of its own number; a topic of another size would
 * scatter them, and the reload refuses it rather than start with schedules missing.
 */
public final class ScheduleReload {
    /** Records put into the store at once; about 1 KB each. */
    private static final int BATCH = 1_000;
    /** How long a reload may go without moving on in the partition before it fails the task (Kafka Streams then retries it). */
    private static final Duration STALL_LIMIT = Duration.ofMinutes(2);
    private static final int FETCH_MAX_WAIT_MS = 10;

    /** Opens a consumer of committed records only, in no group, from the Kafka Streams application's configuration. */
    @FunctionalInterface
    public interface Opener {
        Consumer<String, byte[]> open(Map<String, Object> streamsConfig);
    }

    /**
     * A consumer configured as Kafka Streams' own restore consumer (read_committed under exactly-once, any
     * {@code restore.consumer.} override applies).
     */
    public static final Opener FROM_KAFKA = config -> new KafkaConsumer<>(consumerConfig(config), new StringDeserializer(), new ByteArrayDeserializer());

    /** The reload's consumer settings, from the Kafka Streams application's configuration. */
    public static Map<String, Object> consumerConfig(Map<String, Object> streamsConfig) {
        Map<String, Object> config = new StreamsConfig(streamsConfig)
                .getRestoreConsumerConfigs(streamsConfig.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-schedule-reload");
        if (!streamsConfig.containsKey(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))) {
            // The fetch at the partition's end waits this long for records that do not come: Kafka's 500 ms made a
            // reload of 100 schedules take 0.55 s instead of 0.08 s, and 10,000 0.75 s instead of 0.31 s.
            config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        }
        return config;
    }

    private ScheduleReload() {
    }

    /**
     * Puts every committed record of the partition, up to its end when the reload starts, into {@code store} (a
     * tombstone deletes), in order, so the store ends with the last state of each schedule. Clear the store first.
     *
     * @return how many records were read
     * @throws IllegalStateException when punctual.schedules and punctual.commands differ in partitions
     */
    public static long reload(Consumer<String, byte[]> consumer, int partition, KeyValueStore<String, byte[]> store) {
        int schedules = consumer.partitionsFor(Topics.SCHEDULES.name()).size();
        int commands = consumer.partitionsFor(Topics.COMMANDS.name()).size();
        if (schedules != commands) {
            throw new IllegalStateException(Topics.SCHEDULES.name() + " has " + schedules + " partitions and " + Topics.COMMANDS.name()
                    + " " + commands + ": a task's schedules would not be in its own partition; give both the same count");
        }
        TopicPartition topic = new TopicPartition(Topics.SCHEDULES.name(), partition);
        consumer.assign(List.of(topic));
        consumer.seekToBeginning(List.of(topic));
        // Under read_committed the end is the last stable offset: nothing of a transaction still open, which can only
        // be an earlier owner's that is aborted (this task has not written since it was assigned).
        long end = consumer.endOffsets(List.of(topic)).get(topic);
        long read = 0;
        long lastProgress = System.nanoTime();
        long position = consumer.position(topic);
        List<KeyValue<String, byte[]>> batch = new ArrayList<>(BATCH);
        while (position < end) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200)).records(topic)) {
                if (record.offset() >= end) {
                    break;
                }
                batch.add(KeyValue.pair(record.key(), record.value()));
                read++;
                if (batch.size() == BATCH) {
                    store.putAll(batch);
                    batch.clear();
                }
            }
            long now = consumer.position(topic);
            if (now > position) {
                // Progress counts by position, not records: aborted transactions and markers are skipped, not returned.
                position = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("Reloading " + topic + " made no progress for " + STALL_LIMIT.toSeconds() + " s at offset "
                        + position + " of " + end);
            }
        }
        store.putAll(batch);
        return read;
    }

    /** Opens a consumer with {@code opener}, reloads, and closes it. */
    public static long reload(Opener opener, Map<String, Object> streamsConfig, int partition, KeyValueStore<String, byte[]> store) {
        try (Consumer<String, byte[]> consumer = opener.open(streamsConfig)) {
            return reload(consumer, partition, store);
        }
    }
}

package io.punctual.executor.kafka;

import io.punctual.executor.delivery.FinishedFires;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills {@link FinishedFires} at start from the committed results of the recent past, so that a restarted
 * executor recognises fires it (or any other instance) already settled. Reads every partition of
 * {@code punctual.results} from {@code window} ago up to its end as of the start.
 */
final class FinishedFiresRestore {
    private static final Logger LOG = LoggerFactory.getLogger(FinishedFiresRestore.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MAX_TIME = Duration.ofSeconds(60);

    private FinishedFiresRestore() {
    }

    static void restore(ExecutorKafkaClients clients, String topic, ResultRecords results, FinishedFires into, Duration window, Clock clock) {
        long started = System.nanoTime();
        int read = 0;
        try (Consumer<byte[], byte[]> consumer = clients.committedReader()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            long since = clock.millis() - window.toMillis();
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, since));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
            // Up to the high watermark, so results committed after a dead instance's open transaction count too
            // (see ExecutorKafkaClients.highWatermarks): a fire settled there must not be delivered and recorded again.
            Map<TopicPartition, Long> ends = clients.highWatermarks(partitions);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp start = starts.get(p);
                long from = start == null ? ends.get(p) : start.offset();
                consumer.seek(p, from);
                if (from < ends.get(p)) {
                    remaining.put(p, ends.get(p));
                }
            }
            while (!remaining.isEmpty()) {
                if (System.nanoTime() - started > MAX_TIME.toNanos()) {
                    // A partial restore only narrows the duplicate protection; it must not keep the executor from starting.
                    LOG.warn("Restoring finished fires took longer than {}; continuing with {} of them", MAX_TIME, into.size());
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.value() != null) {
                        try {
                            into.record(results.decode(record.value()));
                            read++;
                        } catch (RuntimeException e) {
                            LOG.debug("Skipping an unreadable result at {}-{}@{}", record.topic(), record.partition(), record.offset());
                        }
                    }
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        LOG.info("Restored {} finished fires from {} results of the last {} in {} ms", into.size(), read, window,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
}

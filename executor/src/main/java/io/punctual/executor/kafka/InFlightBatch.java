package io.punctual.executor.kafka;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One polled batch between poll and its last commit. Every record of the batch is an entry, in partition order:
 * a fire being delivered, poison to dead-letter, or a repeat that is skipped. Entries are committed per partition
 * as soon as a prefix of them is settled, so a slow delivery holds back only the records behind it on its own
 * partition, and a crash delivers again only what was settled but not yet committed, not the whole batch.
 */
final class InFlightBatch {

    /** One record of the batch and what it becomes. */
    record Entry(ConsumerRecord<byte[], byte[]> record, DueEvent fire, CompletableFuture<ExecutionResult> result,
                 ProducerRecord<byte[], byte[]> deadLetter) {
        boolean isSettled() {
            return result == null || result.isDone();
        }
    }

    /** What one commit takes: the settled prefix of each partition and the offsets after it. */
    record Ready(List<Entry> entries, Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Integer> upTo) {
        boolean isEmpty() {
            return offsets.isEmpty();
        }
    }

    private final Map<TopicPartition, List<Entry>> entries = new LinkedHashMap<>();
    private final Map<TopicPartition, Integer> committedUpTo = new HashMap<>();
    private final Map<TopicPartition, Long> endPositions = new HashMap<>();
    private final CompletableFuture<Void> allSettled;
    private final int fires;
    private final long startedNanos = System.nanoTime();

    /**
     * @param positions the consumer's position of each partition right after the poll. Once a partition's every
     *                  entry is committed, that position is committed rather than last offset + 1 because it lies
     *                  past a transaction marker that follows the batch, so a group that has done everything shows
     *                  no lag of one.
     */
    InFlightBatch(ConsumerRecords<byte[], byte[]> records, Function<TopicPartition, Long> positions, List<Entry> all) {
        for (TopicPartition partition : records.partitions()) {
            entries.put(partition, new ArrayList<>());
            committedUpTo.put(partition, 0);
            endPositions.put(partition, positions.apply(partition));
        }
        int count = 0;
        List<CompletableFuture<ExecutionResult>> pending = new ArrayList<>();
        for (Entry entry : all) {
            entries.get(new TopicPartition(entry.record().topic(), entry.record().partition())).add(entry);
            if (entry.result() != null) {
                count++;
                pending.add(entry.result());
            }
        }
        this.fires = count;
        this.allSettled = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            first.put(partition, records.records(partition).get(0).offset());
        }
        return first;
    }

    /** Where each partition with uncommitted entries must be read again from, should the batch be abandoned. */
    Map<TopicPartition, Long> firstOffsets() {
        Map<TopicPartition, Long> first = new HashMap<>();
        entries.forEach((partition, list) -> {
            int from = committedUpTo.get(partition);
            if (from < list.size()) {
                first.put(partition, list.get(from).record().offset());
            }
        });
        return first;
    }

    /** The settled, uncommitted prefix of every partition. */
    Ready ready() {
        List<Entry> out = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Integer> upTo = new HashMap<>();
        entries.forEach((partition, list) -> {
            int from = committedUpTo.get(partition);
            int to = from;
            while (to < list.size() && list.get(to).isSettled()) {
                to++;
            }
            if (to > from) {
                out.addAll(list.subList(from, to));
                long next = to == list.size() ? endPositions.get(partition) : list.get(to).record().offset();
                offsets.put(partition, new OffsetAndMetadata(next));
                upTo.put(partition, to);
            }
        });
        return new Ready(out, offsets, upTo);
    }

    void committed(Ready ready) {
        committedUpTo.putAll(ready.upTo());
    }

    boolean isFullyCommitted() {
        return entries.entrySet().stream().allMatch(e -> committedUpTo.get(e.getKey()) == e.getValue().size());
    }

    /** Time since the batch was polled. */
    Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    int fires() {
        return fires;
    }

    boolean isDone() {
        return allSettled.isDone();
    }

    /** Waits up to the timeout; true once every delivery of the batch has its result. */
    boolean awaitDone(Duration timeout) {
        try {
            allSettled.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return allSettled.isDone();
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** True when every uncommitted entry of these partitions has its outcome. */
    boolean isSettled(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(entries::containsKey)
                .allMatch(p -> entries.get(p).subList(committedUpTo.get(p), entries.get(p).size()).stream().allMatch(Entry::isSettled));
    }

    /**
     * Drops these partitions (revoked): nothing more of them is committed by this member, their uncommitted fires
     * are the next owner's. Deliveries still running finish, but their outcomes are not recorded here.
     */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            entries.remove(p);
            committedUpTo.remove(p);
            endPositions.remove(p);
        });
    }

    boolean touchesAny(Collection<TopicPartition> partitions) {
        return partitions.stream().anyMatch(p -> entries.containsKey(p) && committedUpTo.get(p) < entries.get(p).size());
    }
}

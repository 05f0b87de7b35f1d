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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The polled records between poll and their commit (the loop's window). Every record is an entry, in partition
 * order: a fire being delivered, poison to dead-letter, or a repeat that is skipped. Later polls append to it while
 * earlier entries are still in delivery or being committed, so the next records are delivered during a commit
 * instead of after it. Entries are committed per partition as soon as a prefix of them is settled (and then dropped
 * from the window), so a slow delivery holds back only the records behind it on its own partition, and a crash
 * delivers again only what was settled but not yet committed.
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
    private CompletableFuture<Void> allSettled;
    private int fires;
    private final long startedNanos = System.nanoTime();
    /** Fire id#attempt of every fire in the window, so a repeat polled later is not delivered twice at once. */
    private final Set<String> fireKeys = new HashSet<>();

    /**
     * @param positions the consumer's position of each partition right after the poll. Once a partition's every
     *                  entry is committed, that position is committed rather than last offset + 1 because it lies
     *                  past a transaction marker that follows the batch, so a group that has done everything shows
     *                  no lag of one.
     */
    InFlightBatch(ConsumerRecords<byte[], byte[]> records, Function<TopicPartition, Long> positions, List<Entry> all) {
        this.allSettled = CompletableFuture.completedFuture(null);
        append(records, positions, all);
    }

    /** Adds the entries of a later poll behind the ones already here. */
    void append(ConsumerRecords<byte[], byte[]> records, Function<TopicPartition, Long> positions, List<Entry> all) {
        for (TopicPartition partition : records.partitions()) {
            entries.computeIfAbsent(partition, p -> new ArrayList<>());
            committedUpTo.putIfAbsent(partition, 0);
            endPositions.put(partition, positions.apply(partition));
        }
        List<CompletableFuture<?>> pending = new ArrayList<>();
        pending.add(allSettled);
        for (Entry entry : all) {
            entries.get(new TopicPartition(entry.record().topic(), entry.record().partition())).add(entry);
            if (entry.fire() != null) {
                fireKeys.add(key(entry.fire()));
            }
            if (entry.result() != null) {
                fires++;
                pending.add(entry.result());
            }
        }
        this.allSettled = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /** True when this fire attempt is in the window already (delivered, or to be skipped as a repeat). */
    boolean holds(DueEvent fire) {
        return fireKeys.contains(key(fire));
    }

    static String key(DueEvent fire) {
        return fire.getFireId() + "#" + fire.getAttempt();
    }

    /** Entries not yet committed, settled or not. */
    int uncommitted() {
        int n = 0;
        for (Map.Entry<TopicPartition, List<Entry>> e : entries.entrySet()) {
            n += e.getValue().size() - committedUpTo.get(e.getKey());
        }
        return n;
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

    /** The ready entries are committed: they leave the window (what a crash would deliver again starts after them). */
    void committed(Ready ready) {
        ready.upTo().forEach((partition, to) -> {
            List<Entry> list = entries.get(partition);
            if (list == null) {
                return; // revoked meanwhile
            }
            list.subList(0, to).clear();
            committedUpTo.put(partition, 0);
        });
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

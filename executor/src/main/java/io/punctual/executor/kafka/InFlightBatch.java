package io.punctual.executor.kafka;

import io.punctual.schemas.ExecutionResult;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One polled batch between poll and commit: where each of its partitions started (to rewind to if the batch
 * cannot be committed), where each ends (the offsets to commit), its dead letters and its pending results.
 */
final class InFlightBatch {
    private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
    private final List<ProducerRecord<byte[], byte[]>> deadLetters;
    private final CompletableFuture<List<ExecutionResult>> results;
    private final int fires;
    private final long startedNanos = System.nanoTime();

    /**
     * @param positions the consumer's position of each partition right after the poll. It is committed rather
     *                  than last offset + 1 because it lies past a transaction marker that follows the batch, so
     *                  a group that has done everything shows no lag of one.
     */
    InFlightBatch(ConsumerRecords<byte[], byte[]> records, Function<TopicPartition, Long> positions,
                  List<ProducerRecord<byte[], byte[]>> deadLetters, int fires, CompletableFuture<List<ExecutionResult>> results) {
        firstOffsets.putAll(firstOffsets(records));
        for (TopicPartition partition : records.partitions()) {
            nextOffsets.put(partition, new OffsetAndMetadata(positions.apply(partition)));
        }
        this.deadLetters = List.copyOf(deadLetters);
        this.fires = fires;
        this.results = results;
    }

    static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            first.put(partition, records.records(partition).get(0).offset());
        }
        return first;
    }

    Map<TopicPartition, Long> firstOffsets() {
        return firstOffsets;
    }

    Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        return nextOffsets;
    }

    List<ProducerRecord<byte[], byte[]>> deadLetters() {
        return deadLetters;
    }

    /** Time since the batch was polled. */
    Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    int fires() {
        return fires;
    }

    boolean isDone() {
        return results.isDone();
    }

    /** Waits up to the timeout; true once every delivery of the batch has its result. */
    boolean awaitDone(Duration timeout) {
        try {
            results.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return results.isDone();
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** The results; only once {@link #isDone()}. */
    List<ExecutionResult> results() {
        return results.join();
    }

    boolean touchesAny(Collection<TopicPartition> partitions) {
        return partitions.stream().anyMatch(firstOffsets::containsKey);
    }
}

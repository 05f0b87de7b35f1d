package io.punctual.gateway.view;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Read-your-writes on every replica: a read first learns the topic's end offsets (the last committed position,
 * read_committed) as of a moment after the read arrived, then waits until the local view has applied up to them.
 * Whatever any replica answered before the read arrived is committed below those offsets, so the read sees it.
 * The look-ups are shared: reads arriving while one is in flight join the next, and look-ups are at least
 * {@code interval} apart, so the broker sees at most one request per interval however many reads there are.
 */
public final class ReadBarrier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadBarrier.class);

    private final String topic;
    private final TopicTail tail;
    private final Duration interval;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private List<TopicPartition> partitions;
    private CompletableFuture<Map<TopicPartition, Long>> next;
    private volatile boolean running = true;

    public ReadBarrier(String topic, TopicTail tail, Map<String, Object> clientProperties, Duration interval) {
        this.topic = topic;
        this.tail = tail;
        this.interval = interval;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, ClientIds.next("punctual-gateway-barrier-" + topic));
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "read-barrier-" + topic);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Waits until the view shows everything committed to the topic before this call; false on timeout. */
    boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end;
        try {
            end = nextRound().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            LOG.warn("The end offsets of {} could not be read: {}", topic, e.getCause().toString());
            return false;
        }
        return tail.awaitApplied(end, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** The look-up that has not started yet: a read joins it, never one already in flight (which may predate it). */
    private synchronized CompletableFuture<Map<TopicPartition, Long>> nextRound() {
        if (next == null) {
            next = new CompletableFuture<>();
            notifyAll();
        }
        return next;
    }

    private synchronized CompletableFuture<Map<TopicPartition, Long>> takeRound() throws InterruptedException {
        while (next == null && running) {
            wait();
        }
        CompletableFuture<Map<TopicPartition, Long>> round = next;
        next = null;
        return round;
    }

    private void run() {
        try {
            while (running) {
                CompletableFuture<Map<TopicPartition, Long>> round = takeRound();
                if (round == null) {
                    return;
                }
                long started = System.nanoTime();
                try {
                    if (partitions == null) {
                        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                        // Assigned, never polled: Kafka 4.1 logs a WARN per partition of every look-up whose answer
                        // names partitions the consumer has not assigned ("Not updating last stable offset ... no
                        // longer assigned", KAFKA-20131), one line per partition and read round, up to a thousand
                        // rounds a second. Assigning fetches nothing: only a poll would.
                        consumer.assign(partitions);
                    }
                    round.complete(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
                } catch (RuntimeException e) {
                    round.completeExceptionally(e);
                }
                long left = interval.toNanos() - (System.nanoTime() - started);
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Thread.interrupted();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

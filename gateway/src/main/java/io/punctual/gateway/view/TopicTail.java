package io.punctual.gateway.view;

import io.punctual.schemas.serde.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Follows every partition of one topic on its own thread and hands each polled batch of committed records, with the
 * positions after it, to a callback (a view on disk stores both atomically). No consumer group: every gateway
 * instance sees the whole topic. Starts from the offsets a view stored (a restart resumes, it does not replay), from
 * the beginning where none is stored, or at the end. Ready once it has read up to the end offsets it found at
 * start; {@link #awaitApplied} lets a read wait until the view has applied the topic up to given offsets.
 *
 * <p>Not a micronaut-kafka {@code @KafkaListener}: a listener always joins a consumer group (subscribed, or with
 * partitions fixed at compile time), while every gateway replica reads every partition of a topic whose partition
 * count is known only at run time, starts from offsets kept in RocksDB with the view (never committed to Kafka), and
 * hands each batch over with the positions after it, so the view stores both atomically.
 */
public final class TopicTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration REGISTRY_RETRY_PAUSE = Duration.ofSeconds(1);

    /** What receives each polled batch: the records, then the position of every partition after them. */
    interface BatchHandler {
        void accept(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions);
    }

    private final String topic;
    private final boolean fromBeginning;
    private final Map<TopicPartition, Long> storedOffsets;
    private final BatchHandler handler;
    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();
    private final Object appliedChanged = new Object();
    private final AtomicLong recordsRead = new AtomicLong();
    private final KafkaConsumer<String, byte[]> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public TopicTail(String topic, boolean fromBeginning, Map<String, Object> clientProperties, Consumer<ConsumerRecord<String, byte[]>> handler) {
        this(topic, fromBeginning, Map.of(), clientProperties, (records, positions) -> {
            for (ConsumerRecord<String, byte[]> record : records) {
                try {
                    handler.accept(record);
                } catch (RuntimeException e) {
                    if (SchemaRegistryException.isUnavailable(e)) {
                        throw e; // the record is fine, the registry is down: the batch is read again (see run)
                    }
                    LOG.error("Skipped a record of {} at {}-{} that does not decode: {}", topic, record.partition(), record.offset(), e.toString());
                }
            }
        });
    }

    /** A tail that resumes each partition at {@code storedOffsets}, else starts at the beginning (or end). */
    public TopicTail(String topic, boolean fromBeginning, Map<TopicPartition, Long> storedOffsets, Map<String, Object> clientProperties,
                     BatchHandler handler) {
        this.topic = topic;
        this.fromBeginning = fromBeginning;
        this.storedOffsets = storedOffsets;
        this.handler = handler;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // fetch.max.wait.ms is left to Kafka (500 ms, or kafka.fetch.max.wait.ms): a waiting fetch is answered as
        // soon as a commit marker makes records readable, so a longer wait adds no latency; it only sets how often an
        // idle tail asks (50 ms made three tails send 60 fetches a second per replica, with nothing to read).
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, ClientIds.next("punctual-gateway-tail-" + topic));
        // A stored offset the log no longer has (retention) resumes at the oldest record still there.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "tail-" + topic);
        this.thread.setDaemon(true);
    }

    TopicTail start() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        List<TopicPartition> unstored = partitions.stream().filter(p -> !storedOffsets.containsKey(p)).toList();
        if (fromBeginning) {
            consumer.seekToBeginning(unstored);
        } else {
            consumer.seekToEnd(unstored);
        }
        partitions.stream().filter(storedOffsets::containsKey).forEach(p -> consumer.seek(p, storedOffsets.get(p)));
        // Resolve positions now, on the caller's thread, so nothing published after start() is missed.
        partitions.forEach(consumer::position);
        thread.start();
        return this;
    }

    /**
     * Waits until the records before {@code offsets} (per partition) are applied, that is handed to the handler and
     * returned from it. False on timeout.
     */
    boolean awaitApplied(Map<TopicPartition, Long> offsets, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (appliedChanged) {
            while (!isApplied(offsets)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(appliedChanged, left);
            }
            return true;
        }
    }

    private boolean isApplied(Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    /** Records read since this tail started (a restart that resumes reads only what it missed). */
    long recordsRead() {
        return recordsRead.get();
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            Map<TopicPartition, Long> endAtStart = consumer.endOffsets(consumer.assignment());
            while (running) {
                Map<TopicPartition, Long> before = new HashMap<>();
                for (TopicPartition partition : consumer.assignment()) {
                    before.put(partition, consumer.position(partition));
                }
                var polled = consumer.poll(Duration.ofMillis(200));
                Map<TopicPartition, Long> positions = new HashMap<>();
                for (TopicPartition partition : consumer.assignment()) {
                    positions.put(partition, consumer.position(partition));
                }
                List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(polled.count());
                polled.forEach(records::add);
                recordsRead.addAndGet(records.size());
                if (!records.isEmpty() || !positions.equals(applied)) {
                    try {
                        handler.accept(records, positions);
                    } catch (RuntimeException e) {
                        if (!SchemaRegistryException.isUnavailable(e)) {
                            throw e;
                        }
                        // The records are fine, the registry is down: read the batch again rather than leave it out
                        // of the view (nothing of it was applied: a view applies a batch atomically or not at all).
                        LOG.warn("Schema registry unavailable while reading {}; reading the batch again in {}: {}", topic, REGISTRY_RETRY_PAUSE, e.toString());
                        before.forEach(consumer::seek);
                        Thread.sleep(REGISTRY_RETRY_PAUSE.toMillis());
                        continue;
                    }
                }
                synchronized (appliedChanged) {
                    applied.putAll(positions);
                    appliedChanged.notifyAll();
                }
                if (caughtUp.getCount() > 0 && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Stopped following {}", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows every partition of one topic on its own thread and hands each committed record to a callback.
 * No consumer group: every gateway instance sees the whole topic. Ready once it has read up to the end offsets
 * it found at start, so a view built from it is complete before the gateway says it is healthy.
 */
public final class TopicTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration REGISTRY_RETRY_PAUSE = Duration.ofSeconds(1);

    private final String topic;
    private final boolean fromBeginning;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final KafkaConsumer<String, byte[]> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public TopicTail(String topic, boolean fromBeginning, Map<String, Object> clientProperties, Consumer<ConsumerRecord<String, byte[]>> handler) {
        this.topic = topic;
        this.fromBeginning = fromBeginning;
        this.handler = handler;
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "tail-" + topic);
        this.thread.setDaemon(true);
    }

    public TopicTail start() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        // Resolve positions now, on the caller's thread, so nothing published after start() is missed.
        partitions.forEach(consumer::position);
        thread.start();
        return this;
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            Map<TopicPartition, Long> endAtStart = consumer.endOffsets(consumer.assignment());
            while (running) {
                Set<TopicPartition> held = new HashSet<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (held.contains(partition)) {
                        continue;
                    }
                    try {
                        handler.accept(record);
                    } catch (RuntimeException e) {
                        if (SchemaRegistryException.isUnavailable(e)) {
                            // The record is fine, the registry is down: read it again rather than leave it out of the view.
                            LOG.warn("Schema registry unavailable while reading {} at {}-{}; reading it again: {}", topic, record.partition(), record.offset(), e.toString());
                            consumer.seek(partition, record.offset());
                            held.add(partition);
                        } else {
                            LOG.error("Skipped a record of {} at {}-{} that does not decode: {}", topic, record.partition(), record.offset(), e.toString());
                        }
                    }
                }
                if (!held.isEmpty()) {
                    Thread.sleep(REGISTRY_RETRY_PAUSE.toMillis());
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

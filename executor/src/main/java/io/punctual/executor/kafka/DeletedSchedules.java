package io.punctual.executor.kafka;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.serde.SchemaRegistry;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The schedules deleted lately, so that a fire emitted before its schedule was deleted (waiting in the partition's
 * lag, or waiting for its agent's run) is not delivered, as Letta's own scheduler skips deleted schedules. Learnt
 * from the planner's accepted deletes on {@code punctual.command-results} (one record per command, not per fire:
 * cheap to tail), from {@code window} before the start on; bounded to {@code capacity} schedules, oldest forgotten.
 *
 * <p>Best effort by nature: a fire read before the delete's answer is delivered, like a fire already in flight.
 */
public final class DeletedSchedules implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeletedSchedules.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final DeleteAnswers answers;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Long> deletedAt;
    private volatile boolean stopped;
    private volatile Consumer<byte[], byte[]> consumer;

    /** @param registry the registry the answers' writer schemas are read from */
    public DeletedSchedules(Supplier<Consumer<byte[], byte[]>> consumers, SchemaRegistry registry, Duration window, int capacity, Clock clock) {
        this.consumers = consumers;
        this.answers = new DeleteAnswers(registry);
        this.window = window;
        this.clock = clock;
        this.deletedAt = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True when the fire's schedule was deleted after the fire was emitted. */
    public boolean isDeleted(DueEvent fire) {
        Long at;
        synchronized (deletedAt) {
            at = deletedAt.get(fire.getScheduleId());
        }
        return at != null && fire.getEmittedAt().toEpochMilli() <= at;
    }

    /** Records a delete the planner accepted (for tests and the tail). */
    void deleted(String scheduleId, long at) {
        synchronized (deletedAt) {
            deletedAt.put(scheduleId, at);
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            try (Consumer<byte[], byte[]> c = consumers.get()) {
                consumer = c;
                tail(c);
            } catch (WakeupException e) {
                // close() asked to stop
            } catch (RuntimeException e) {
                if (stopped) {
                    break;
                }
                LOG.warn("Tailing {} for deleted schedules failed, starting again: {}", Topics.COMMAND_RESULTS.name(), e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void tail(Consumer<byte[], byte[]> c) {
        String topic = Topics.COMMAND_RESULTS.name();
        List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        partitions.forEach(p -> since.put(p, clock.millis() - window.toMillis()));
        Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(since);
        Map<TopicPartition, Long> ends = c.endOffsets(partitions);
        partitions.forEach(p -> c.seek(p, starts.get(p) == null ? ends.get(p) : starts.get(p).offset()));
        while (!stopped) {
            for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
                if (record.value() == null) {
                    continue;
                }
                Optional<DeleteAnswers.Delete> delete;
                try {
                    delete = answers.deleteIn(record.value());
                } catch (RuntimeException e) {
                    LOG.debug("Skipping an unreadable command result at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
                    continue;
                }
                delete.ifPresent(d -> deleted(d.scheduleId(), d.processedAtMillis()));
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}

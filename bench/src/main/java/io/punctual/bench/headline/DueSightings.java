package io.punctual.bench.headline;

import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a fire's lag goes: a committed-only tail of {@code punctual.due} on its own thread, noting for each key (the
 * agent, one per fire in these runs) when the planner emitted its due event (the record's timestamp: the scan's
 * time) and when the event became readable (this tail's clock, so within its few-ms fetch wait: the planner's
 * commit). Arrival at the endpoint minus readable is then the executor's share.
 */
final class DueSightings implements AutoCloseable {
    /** First sighting of a key: emitted (epoch ms, the record's timestamp) and readable (epoch µs, this tail). */
    record Sighting(long emittedMillis, long readableMicros) {
    }

    private final Map<String, Sighting> byKey = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PollLoop loop;

    DueSightings(String bootstrap) {
        // A short fetch wait, so a commit shows within a few ms of happening.
        consumer = KafkaSide.committedFromEnd(bootstrap, Topics.DUE.name(), 5);
        loop = new PollLoop("due-sightings", this::pollOnce);
    }

    private void pollOnce() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
            long now = WallClock.micros();
            byKey.putIfAbsent(new String(r.key(), StandardCharsets.UTF_8), new Sighting(r.timestamp(), now));
        }
    }

    Sighting of(String key) {
        return byKey.get(key);
    }

    @Override
    public void close() throws InterruptedException {
        loop.close();
        consumer.close();
    }
}

package io.punctual.bench.headline;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a create's wait goes inside Kafka: tails of {@code punctual.commands} (the record's timestamp: when the
 * gateway produced the command) and of {@code punctual.command-results} (read_committed: its {@code processed_at} is
 * when the planner applied the command, and this tail's clock when the result became readable, that is the planner's
 * commit). What is left of a create's latency is the gateway's: the request before the produce, and the answer
 * after the result is readable.
 */
final class CreateSightings implements AutoCloseable {
    private final Map<String, Long> producedMillis = new ConcurrentHashMap<>();
    /** command id → {processed_at epoch ms, readable epoch µs} */
    private final Map<String, long[]> results = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> commands;
    private final KafkaConsumer<byte[], byte[]> commandResults;
    private final Deserializer<ScheduleCommand> commandDecoder;
    private final Deserializer<CommandResult> resultDecoder;
    private final PollLoop loop;

    CreateSightings(StandaloneChild child) {
        KafkaSide kafka = new KafkaSide(child);
        commands = KafkaSide.committedFromEnd(child.bootstrapServers(), Topics.COMMANDS.name(), 5);
        commandResults = KafkaSide.committedFromEnd(child.bootstrapServers(), Topics.COMMAND_RESULTS.name(), 5);
        commandDecoder = kafka.serdes.valueSerde(Topics.COMMANDS).deserializer();
        resultDecoder = kafka.serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer();
        loop = new PollLoop("create-sightings", this::pollOnce);
    }

    private void pollOnce() {
        for (ConsumerRecord<byte[], byte[]> r : commandResults.poll(Duration.ofMillis(10))) {
            long now = WallClock.micros();
            CommandResult result = resultDecoder.deserialize(Topics.COMMAND_RESULTS.name(), r.value());
            results.putIfAbsent(result.getCommandId(), new long[]{result.getProcessedAt().toEpochMilli(), now});
        }
        for (ConsumerRecord<byte[], byte[]> r : commands.poll(Duration.ZERO)) {
            if (r.value() != null) {
                producedMillis.putIfAbsent(commandDecoder.deserialize(Topics.COMMANDS.name(), r.value()).getCommandId(), r.timestamp());
            }
        }
    }

    /** Percentiles of produced → applied and applied → readable over the commands seen both ways. */
    String describe() {
        long[] applied = new long[results.size()];
        long[] committed = new long[results.size()];
        int n = 0;
        for (Map.Entry<String, long[]> e : results.entrySet()) {
            Long produced = producedMillis.get(e.getKey());
            if (produced == null || n == applied.length) {
                continue;
            }
            applied[n] = (e.getValue()[0] - produced) * 1000;
            committed[n] = e.getValue()[1] - e.getValue()[0] * 1000;
            n++;
        }
        return String.format("%,d creates seen on both topics: gateway produced → planner applied %s; applied → result readable %s",
                n, Percentiles.ofMicros(applied, n).describe(), Percentiles.ofMicros(committed, n).describe());
    }

    @Override
    public void close() throws InterruptedException {
        loop.close();
        commands.close();
        commandResults.close();
    }
}

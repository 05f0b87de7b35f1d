package io.punctual.executor.kafka;

import io.punctual.executor.runs.AgentGate;
import io.punctual.schemas.AgentRuns;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.DueKeys;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code punctual.agent-runs}: each agent's state goes to the partition number of the agent's due
 * events, so the executor that owns that partition of {@code punctual.due} finds it there after a rebalance.
 */
final class AgentRunRecords {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunRecords.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MAX_TIME = Duration.ofSeconds(60);

    private final TopicSerdes serdes;
    private final Serializer<AgentRuns> values;
    private final Deserializer<AgentRuns> reader;
    private final Serializer<DueEvent> dueValues;

    AgentRunRecords(TopicSerdes serdes) {
        this.serdes = serdes;
        this.values = serdes.valueSerde(Topics.AGENT_RUNS).serializer();
        this.reader = serdes.valueSerde(Topics.AGENT_RUNS).deserializer();
        this.dueValues = serdes.valueSerde(Topics.DUE).serializer();
    }

    /**
     * A fire that waited in its agent's state as a due record (offset -1: it was read and settled before), so that
     * one failing for good is dead-lettered like any other, replayable as it was.
     */
    ConsumerRecord<byte[], byte[]> asDueRecord(DueEvent fire, int partition) {
        String key = DueKeys.of(fire.getTarget(), fire.getScheduleId());
        return new ConsumerRecord<>(Topics.DUE.name(), partition, -1L, key.getBytes(StandardCharsets.UTF_8),
                dueValues.serialize(Topics.DUE.name(), fire));
    }

    void registerSchema() {
        serdes.registry().register(Topics.AGENT_RUNS.valueSubject(), AgentRuns.getClassSchema());
    }

    ProducerRecord<byte[], byte[]> of(AgentGate.State state) {
        return new ProducerRecord<>(Topics.AGENT_RUNS.name(), state.partition(), state.agentId().getBytes(StandardCharsets.UTF_8),
                state.value() == null ? null : values.serialize(Topics.AGENT_RUNS.name(), state.value()));
    }

    /** The committed state of every agent of these partitions (numbers of {@code punctual.due}), by partition. */
    Map<Integer, Collection<AgentRuns>> restore(ExecutorKafkaClients clients, Collection<Integer> partitions) {
        long started = System.nanoTime();
        Map<Integer, Map<String, AgentRuns>> out = new HashMap<>();
        partitions.forEach(p -> out.put(p, new LinkedHashMap<>()));
        try (Consumer<byte[], byte[]> consumer = clients.committedReader()) {
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(Topics.AGENT_RUNS.name(), p)).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            // Up to the high watermark: a state committed after a dead instance's open transaction counts too (see
            // highWatermarks). Restoring without it lost waiting fires whose offsets that state's commit carried.
            Map<TopicPartition, Long> ends = clients.highWatermarks(assigned);
            ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            while (!ends.isEmpty()) {
                if (System.nanoTime() - started > MAX_TIME.toNanos()) {
                    throw new IllegalStateException("restoring " + Topics.AGENT_RUNS.name() + " took longer than " + MAX_TIME);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    String agent = new String(record.key(), StandardCharsets.UTF_8);
                    Map<String, AgentRuns> states = out.get(record.partition());
                    if (record.value() == null) {
                        states.remove(agent);
                    } else {
                        try {
                            states.put(agent, reader.deserialize(record.topic(), record.value()));
                        } catch (RuntimeException e) {
                            LOG.error("Skipping an unreadable agent state at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
                        }
                    }
                }
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        Map<Integer, Collection<AgentRuns>> restored = new HashMap<>();
        out.forEach((p, states) -> restored.put(p, states.values()));
        LOG.info("Restored the runs and waiting fires of {} agents of partitions {} in {} ms", out.values().stream().mapToInt(Map::size).sum(),
                partitions, Duration.ofNanos(System.nanoTime() - started).toMillis());
        return restored;
    }
}

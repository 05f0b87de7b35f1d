package io.punctual.gateway.view;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.fire.FireIds;
import io.punctual.schemas.serde.AvroSerde;
import io.punctual.schemas.serde.SchemaRegistry;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Records for view tests: schedule states in the Confluent wire format the topic carries (the schedule view decodes
 * the fields it indexes from those bytes, {@link ScheduleHeads}), results in Avro's single-object encoding (the run
 * view does not care which encoding).
 */
final class ViewFixtures {
    static final String SCHEDULES = "punctual.schedules";
    static final String RESULTS = "punctual.results";
    private static final AtomicLong OFFSET = new AtomicLong();
    static final SchemaRegistry REGISTRY = new InMemorySchemaRegistry();
    private static final AvroSerde<ScheduleState> STATES = new AvroSerde<>(ScheduleState.class, REGISTRY);

    private ViewFixtures() {
    }

    static ScheduleState schedule(String id, String tenant, String agent, boolean cron, ScheduleStatus status, long version, Map<String, String> labels) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId(agent)
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("hi").build()))
                .setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1, 2, 3})).build();
        Object cadence = cron ? CronCadence.newBuilder().setExpression("0 9 * * *").build()
                : OnceCadence.newBuilder().setAt(Instant.parse("2030-01-01T00:00:00Z")).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target).setCadence(cadence)
                .setLabels(Map.copyOf(labels)).build();
        Instant at = Instant.parse("2026-01-01T00:00:00Z").plusMillis(version);
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(spec).setStatus(status).setVersion(version)
                .setCreatedAt(at).setUpdatedAt(at).build();
    }

    static ExecutionResult run(String scheduleId, String tenant, Instant scheduledFor, int attempt) {
        return ExecutionResult.newBuilder().setFireId(FireIds.of(scheduleId, scheduledFor)).setScheduleId(scheduleId)
                .setTenant(tenant).setAgentId("agent-1").setScheduledFor(scheduledFor).setStartedAt(scheduledFor)
                .setFinishedAt(scheduledFor.plusSeconds(1)).setOutcome(Outcome.DELIVERED).setAttempt(attempt).build();
    }

    static ConsumerRecord<String, byte[]> record(String topic, String key, SpecificRecordBase value) {
        byte[] bytes = value == null ? null : value instanceof ScheduleState state ? stateBytes(state) : bytes(value);
        return new ConsumerRecord<>(topic, 0, OFFSET.getAndIncrement(), key, bytes);
    }

    static Map<TopicPartition, Long> position(String topic) {
        return Map.of(new TopicPartition(topic, 0), OFFSET.get());
    }

    /** A schedule view over the store, with the serde and the registry of these fixtures. */
    static ScheduleView scheduleView(ViewStore store, Consumer<ScheduleHead> onDeleted) {
        return new ScheduleView(store, SCHEDULES, STATES.deserializer(), new ScheduleHeads(REGISTRY), onDeleted);
    }

    static byte[] stateBytes(ScheduleState state) {
        return STATES.serialize(SCHEDULES, state);
    }

    static Deserializer<ExecutionResult> results() {
        return (topic, bytes) -> {
            try {
                return ExecutionResult.fromByteBuffer(ByteBuffer.wrap(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Deletes a directory and what is in it. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(SpecificRecordBase value) {
        try {
            ByteBuffer buffer = (ByteBuffer) value.getClass().getMethod("toByteBuffer").invoke(value);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}

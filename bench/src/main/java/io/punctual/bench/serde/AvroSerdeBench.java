package io.punctual.bench.serde;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.AvroSerde;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one schedule state costs to write and read in the Confluent wire format: the planner writes one per command
 * applied and two per fire, every gateway reads each. A weekday Letta schedule with one message, a sealed key and a
 * label, as the gateway builds it. Run with
 * {@code java -jar bench/target/benchmarks.jar AvroSerdeBench} (the jar's main is JMH's).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AvroSerdeBench {
    private static final String TOPIC = "punctual.schedules";

    private AvroSerde<ScheduleState> serde;
    private ScheduleState state;
    private byte[] bytes;

    @Setup
    public void setUp() {
        serde = new AvroSerde<>(ScheduleState.class, new InMemorySchemaRegistry());
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-6f1c2a9e-53d4-4c1b-9a7e-0c2f1b8d4e11")
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user")
                        .setContent("Good morning! Review yesterday's open tickets and post a summary to the team channel.").build()))
                .setApiKeyCiphertext(ByteBuffer.wrap(new byte[120])).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("t_4f2a9c1e7b3d").setTarget(target)
                .setCadence(CronCadence.newBuilder().setExpression("0 9 * * MON-FRI").setTimezone("Europe/Berlin").build())
                .setLabels(Map.of("team", "support")).build();
        Instant created = Instant.parse("2026-12-01T08:00:00Z");
        state = ScheduleState.newBuilder().setScheduleId("sch_01a23c839ab82471c08f676fd54c").setSpec(spec)
                .setStatus(ScheduleStatus.ACTIVE).setVersion(3).setCreatedAt(created).setUpdatedAt(created.plusSeconds(60))
                .setNextFireAt(Instant.parse("2026-12-04T08:00:00Z")).build();
        bytes = serde.serialize(TOPIC, state);
    }

    @Benchmark
    public byte[] writeState() {
        return serde.serialize(TOPIC, state);
    }

    @Benchmark
    public ScheduleState readState() {
        return serde.deserialize(TOPIC, bytes);
    }
}

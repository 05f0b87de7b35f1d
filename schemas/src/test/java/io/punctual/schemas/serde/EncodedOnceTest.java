package io.punctual.schemas.serde;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state encoded once is written as those bytes where the same object is nested in a command result, within the
 * scope only. The bytes are proved to be used by handing the scope another state's encoding: what the result then
 * decodes to shows which bytes were written.
 */
class EncodedOnceTest {
    private static final Instant T = Instant.ofEpochMilli(1_700_000_000_000L);

    private final SchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerde<ScheduleState> states = new AvroSerde<>(ScheduleState.class, registry);
    private final AvroSerde<CommandResult> results = new AvroSerde<>(CommandResult.class, registry);

    @Test
    void theResultCarriesTheStateAsItsEncodingAndTheSameBytesAsEncodingItAgain() {
        ScheduleState state = state("sch_1", 3);
        byte[] encoded = states.serialize("punctual.schedules", state);
        CommandResult result = result(state);
        byte[] plain = results.serialize("punctual.command-results", result);

        byte[] reused;
        try (EncodedOnce ignored = EncodedOnce.reuse(state, encoded)) {
            reused = results.serialize("punctual.command-results", result);
        }

        assertThat(reused).isEqualTo(plain);
        assertThat(results.deserialize("punctual.command-results", reused)).isEqualTo(result);
    }

    @Test
    void onlyTheSameObjectAndOnlyWithinTheScopeAreWrittenFromTheBytes() {
        ScheduleState state = state("sch_1", 3);
        ScheduleState other = state("sch_2", 9);
        byte[] otherBytes = states.serialize("punctual.schedules", other);

        try (EncodedOnce ignored = EncodedOnce.reuse(state, otherBytes)) {
            // The same object: its place gets the bytes handed over, whatever they hold.
            assertThat(stateOf(result(state))).isEqualTo(other);
            // An equal copy is not the same object: encoded itself.
            assertThat(stateOf(result(ScheduleState.newBuilder(state).build()))).isEqualTo(state);
        }
        assertThat(stateOf(result(state))).isEqualTo(state);
        try (EncodedOnce ignored = EncodedOnce.reuse(null, null)) {
            assertThat(stateOf(result(state))).isEqualTo(state);
        }
    }

    private ScheduleState stateOf(CommandResult result) {
        return results.deserialize("punctual.command-results", results.serialize("punctual.command-results", result)).getState();
    }

    private static CommandResult result(ScheduleState state) {
        return CommandResult.newBuilder().setCommandId("c-1").setScheduleId(state.getScheduleId()).setAccepted(true)
                .setMessage("applied").setVersion(state.getVersion()).setState(state).setProcessedAt(T).build();
    }

    private static ScheduleState state(String id, long version) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-1")
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("hello " + id).build()))
                .setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1, 2, 3})).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("t_1").setTarget(target)
                .setCadence(CronCadence.newBuilder().setExpression("*/5 * * * *").setTimezone("Europe/Berlin").build())
                .setLabels(Map.of("team", "ops")).build();
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(spec).setStatus(ScheduleStatus.ACTIVE).setVersion(version)
                .setCreatedAt(T).setUpdatedAt(T).setNextFireAt(T.plusSeconds(300)).build();
    }
}

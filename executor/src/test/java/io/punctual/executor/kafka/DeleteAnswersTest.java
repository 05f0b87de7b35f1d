package io.punctual.executor.kafka;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.AvroSerde;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import io.punctual.schemas.serde.SchemaRegistry;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Of the planner's answers, only accepted deletes are read as deletes, with the schedule and the time they carry. */
class DeleteAnswersTest {
    private static final Instant AT = Instant.parse("2026-11-30T19:00:00.123Z");

    private final SchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerde<CommandResult> answers = new AvroSerde<>(CommandResult.class, registry);
    private final DeleteAnswers deletes = new DeleteAnswers(registry);

    @Test
    void anAcceptedDeleteIsReadWithItsScheduleAndTime() {
        assertThat(deletes.deleteIn(answer(true, ScheduleStatus.DELETED)))
                .contains(new DeleteAnswers.Delete("sch_1", AT.toEpochMilli()));
    }

    @Test
    void everyOtherAnswerIsNoDelete() {
        for (ScheduleStatus status : List.of(ScheduleStatus.ACTIVE, ScheduleStatus.PAUSED, ScheduleStatus.COMPLETED)) {
            assertThat(deletes.deleteIn(answer(true, status))).as("accepted, %s", status).isEmpty();
        }
        assertThat(deletes.deleteIn(answer(false, ScheduleStatus.DELETED))).as("refused").isEmpty();
        assertThat(deletes.deleteIn(answer(false, null))).as("refused, no state").isEmpty();
    }

    @Test
    void bytesNotInTheWireFormatFail() {
        assertThatThrownBy(() -> deletes.deleteIn(new byte[]{1, 2, 3})).isInstanceOf(SerializationException.class);
    }

    private byte[] answer(boolean accepted, ScheduleStatus status) {
        ScheduleState state = status == null ? null : ScheduleState.newBuilder()
                .setScheduleId("sch_1").setStatus(status).setVersion(2).setCreatedAt(AT).setUpdatedAt(AT)
                .setSpec(ScheduleSpec.newBuilder().setTenant("t_1").setCadence(new OnceCadence(AT))
                        .setTarget(LettaTarget.newBuilder().setAgentId("agent-1")
                                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("hello").build()))
                                .setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1, 2, 3})).build())
                        .build())
                .build();
        CommandResult result = CommandResult.newBuilder().setCommandId("c-1").setScheduleId("sch_1").setAccepted(accepted)
                .setReason(accepted ? null : "not_found").setVersion(2L).setState(state).setProcessedAt(AT).build();
        return answers.serialize(Topics.COMMAND_RESULTS.name(), result);
    }
}

package io.punctual.gateway.command;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.punctual.gateway.GatewayConfig;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.ScheduleCommand;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command-results tail decodes a result only while this replica awaits one for its key, the schedule id
 * ({@link CommandGateway#awaitsResultFor}): from the send until the write is answered, and per schedule as many
 * times as writes are in flight. The producer here takes every command and never fails it (the send is not what
 * this checks).
 */
class AwaitedResultsTest {

    private final CommandGateway gateway = new CommandGateway((topic, key, command) -> new CompletableFuture<RecordMetadata>(),
            null, new GatewayConfig(), new SimpleMeterRegistry(), Runnable::run);

    @Test
    void aScheduleIsAwaitedFromTheSendUntilItsLastWriteIsAnswered() {
        assertThat(gateway.awaitsResultFor("sch_1")).isFalse();

        CompletableFuture<CommandResult> first = gateway.submit(delete("c1", "sch_1"));
        CompletableFuture<CommandResult> second = gateway.submit(delete("c2", "sch_1"));
        assertThat(gateway.awaitsResultFor("sch_1")).isTrue();
        assertThat(gateway.awaitsResultFor("sch_2")).as("another replica's schedule").isFalse();

        gateway.onResult(result("c1", "sch_1"));
        assertThat(first).isCompleted();
        assertThat(gateway.awaitsResultFor("sch_1")).as("the second write still waits").isTrue();

        gateway.onResult(result("c2", "sch_1"));
        assertThat(second).isCompleted();
        assertThat(gateway.awaitsResultFor("sch_1")).isFalse();
    }

    @Test
    void aResultOfAnotherReplicasWriteAnswersNothing() {
        CompletableFuture<CommandResult> mine = gateway.submit(delete("c1", "sch_1"));

        gateway.onResult(result("c9", "sch_1"));

        assertThat(mine).isNotDone();
        assertThat(gateway.awaitsResultFor("sch_1")).isTrue();
    }

    private static ScheduleCommand delete(String commandId, String scheduleId) {
        return ScheduleCommand.newBuilder().setCommandId(commandId).setScheduleId(scheduleId).setTenant("t1")
                .setIssuedAt(Instant.now()).setExpectedVersion(null).setAction(DeleteSchedule.newBuilder().build()).build();
    }

    private static CommandResult result(String commandId, String scheduleId) {
        return CommandResult.newBuilder().setCommandId(commandId).setScheduleId(scheduleId).setAccepted(true)
                .setReason(null).setMessage(null).setVersion(2L).setState(null).setProcessedAt(Instant.now()).build();
    }
}

package io.punctual.planner;

import io.punctual.schemas.command.Reasons;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

class DeleteScheduleTest extends PlannerTestBase {

    @Test
    void deletedBeforeItIsDueItNeverFiresAndLeavesTombstones() {
        PlannerHarness planner = planner();
        Instant at = START.plusSeconds(60);
        ScheduleState created = planner.send(TestCommands.createOnce("s-del", "agent-1", at)).getState();
        planner.schedules.readKeyValuesToList();
        planner.advance(Duration.ofSeconds(30));

        CommandResult deleted = planner.send(TestCommands.delete("s-del", TestCommands.TENANT, null));

        assertThat(deleted.getAccepted()).isTrue();
        assertThat(deleted.getVersion()).isEqualTo(2L);
        ScheduleState snapshot = deleted.getState();
        assertThat(snapshot.getStatus()).isEqualTo(ScheduleStatus.DELETED);
        assertThat(snapshot.getVersion()).isEqualTo(2L);
        assertThat(snapshot.getNextFireAt()).isNull();
        assertThat(snapshot.getUpdatedAt()).isEqualTo(START.plusSeconds(30));
        assertThat(snapshot.getCreatedAt()).isEqualTo(created.getCreatedAt());
        assertThat(snapshot.getSpec()).isEqualTo(created.getSpec());

        assertThat(planner.schedules.readKeyValuesToList()).containsExactly(KeyValue.pair("s-del", null));
        assertThat(planner.commandsOut.readKeyValuesToList()).containsExactly(KeyValue.pair("s-del", null));
        assertThat(planner.scheduleStore().get("s-del")).isNull();
        assertThat(planner.timeline()).isEmpty();

        assertThat(planner.advanceTo(at)).isEmpty();
        assertThat(planner.advance(Duration.ofMinutes(5))).isEmpty();
        assertThat(planner.results.isEmpty()).as("the tombstone read back is ignored").isTrue();
    }

    @Test
    void aDeletedIdCanBeCreatedAgain() {
        PlannerHarness planner = planner();
        planner.send(TestCommands.createCron("s-again", "agent-1", "*/5 * * * *", "UTC"));
        planner.send(TestCommands.delete("s-again", TestCommands.TENANT, 1L));

        CommandResult recreated = planner.send(TestCommands.createCron("s-again", "agent-1", "*/5 * * * *", "UTC"));

        assertThat(recreated.getAccepted()).isTrue();
        assertThat(recreated.getVersion()).isEqualTo(1L);
        assertThat(planner.advanceTo(Instant.parse("2025-03-03T08:00:00Z"))).hasSize(1);
    }

    @Test
    void anUnknownIdIsNotFound() {
        PlannerHarness planner = planner();

        CommandResult result = planner.send(TestCommands.delete("s-nobody", TestCommands.TENANT, null));

        assertThat(result.getAccepted()).isFalse();
        assertThat(result.getReason()).isEqualTo(Reasons.NOT_FOUND);
        assertThat(result.getMessage()).contains("s-nobody");
        assertThat(result.getVersion()).isNull();
        assertThat(result.getState()).isNull();
        assertThat(planner.schedules.isEmpty()).isTrue();
        assertThat(planner.commandsOut.isEmpty()).isTrue();
    }

    @Test
    void anotherTenantsScheduleIsNotFoundAndKeepsFiring() {
        PlannerHarness planner = planner();
        Instant at = START.plusSeconds(10);
        planner.send(TestCommands.createOnce("s-theirs", "agent-1", at));
        planner.schedules.readKeyValuesToList();

        CommandResult result = planner.send(TestCommands.delete("s-theirs", TestCommands.OTHER_TENANT, null));

        assertThat(result.getAccepted()).isFalse();
        assertThat(result.getReason()).isEqualTo(Reasons.NOT_FOUND);
        assertThat(result.getVersion()).as("nothing about the schedule leaks").isNull();
        assertThat(result.getState()).isNull();
        assertThat(planner.schedules.isEmpty()).isTrue();
        assertThat(planner.commandsOut.isEmpty()).isTrue();
        assertThat(planner.advanceTo(at)).hasSize(1);
    }
}

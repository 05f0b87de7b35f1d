package io.punctual.planner;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.fire.FireIds;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

class OnceScheduleTest extends PlannerTestBase {

    @Test
    void firesExactlyOnceAtItsTimeAndCompletes() {
        PlannerHarness planner = planner();
        Instant at = START.plusSeconds(10);

        CommandResult created = planner.send(TestCommands.createOnce("s-once", "agent-1", at));

        assertThat(created.getAccepted()).isTrue();
        assertThat(created.getReason()).isNull();
        assertThat(created.getVersion()).isEqualTo(1L);
        assertThat(created.getProcessedAt()).isEqualTo(START);
        ScheduleState snapshot = created.getState();
        assertThat(snapshot.getScheduleId()).isEqualTo("s-once");
        assertThat(snapshot.getStatus()).isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(snapshot.getVersion()).isEqualTo(1L);
        assertThat(snapshot.getCreatedAt()).isEqualTo(START);
        assertThat(snapshot.getUpdatedAt()).isEqualTo(START);
        assertThat(snapshot.getNextFireAt()).isEqualTo(at);
        assertThat(snapshot.getFireCount()).isZero();
        assertThat(planner.schedules.readKeyValuesToList()).containsExactly(KeyValue.pair("s-once", snapshot));
        assertThat(planner.scheduleStore().get("s-once")).isEqualTo(snapshot);
        assertThat(planner.timeline()).containsExactly(KeyValue.pair(at, "s-once"));

        // Punctuations run every 100 ms of wall clock from the start, so each of these steps runs one.
        assertThat(planner.advanceTo(at.minusMillis(300))).isEmpty();
        assertThat(planner.advance(Duration.ofMillis(100))).isEmpty();
        assertThat(planner.advance(Duration.ofMillis(100))).isEmpty();

        List<TestRecord<String, DueEvent>> fires = planner.advance(Duration.ofMillis(100));
        assertThat(fires).hasSize(1);
        TestRecord<String, DueEvent> fire = fires.get(0);
        assertThat(fire.key()).isEqualTo("agent-1");
        DueEvent event = fire.value();
        assertThat(event.getFireId()).isEqualTo(FireIds.of("s-once", at)).isEqualTo("s-once@" + at.toEpochMilli());
        assertThat(event.getScheduleId()).isEqualTo("s-once");
        assertThat(event.getTenant()).isEqualTo(TestCommands.TENANT);
        assertThat(event.getScheduledFor()).isEqualTo(at);
        assertThat(event.getCadenceType()).as("the kind the executor copies into the result").isEqualTo("once");
        assertThat(event.getEmittedAt()).isEqualTo(at);
        assertThat(event.getAttempt()).isEqualTo(1);
        assertThat(event.getTarget()).isEqualTo(TestCommands.target("agent-1"));

        ScheduleState completed = planner.scheduleStore().get("s-once");
        assertThat(completed.getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(completed.getNextFireAt()).isNull();
        assertThat(completed.getLastFireAt()).isEqualTo(at);
        assertThat(completed.getLastFireId()).isEqualTo(event.getFireId());
        assertThat(completed.getFireCount()).isEqualTo(1);
        assertThat(completed.getUpdatedAt()).isEqualTo(at);
        assertThat(completed.getVersion()).isEqualTo(1L);
        assertThat(planner.schedules.readKeyValuesToList()).containsExactly(KeyValue.pair("s-once", completed));
        assertThat(planner.timeline()).isEmpty();

        assertThat(planner.advance(Duration.ofMillis(100))).isEmpty();
        assertThat(planner.advance(Duration.ofHours(1))).isEmpty();
    }

    @Test
    void aTimeJustPastWithinTheGraceFiresOnTheNextPunctuation() {
        PlannerHarness planner = planner();
        Instant at = START.minusSeconds(59);

        CommandResult created = planner.send(TestCommands.createOnce("s-late", "agent-2", at));
        assertThat(created.getAccepted()).isTrue();
        assertThat(created.getState().getNextFireAt()).isEqualTo(at);

        List<TestRecord<String, DueEvent>> fires = planner.advance(Duration.ofMillis(100));
        assertThat(fires).extracting(f -> f.value().getFireId()).containsExactly(FireIds.of("s-late", at));
        assertThat(fires.get(0).value().getScheduledFor()).isEqualTo(at);
        assertThat(fires.get(0).value().getEmittedAt()).isEqualTo(START.plusMillis(100));
    }
}

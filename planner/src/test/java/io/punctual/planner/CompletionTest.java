package io.punctual.planner;

import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.punctual.planner.PlannerHarness.START;
import static io.punctual.planner.TestCommands.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** Finished schedules are completed, then deleted after the retention, or at once when they ask for it; fixed clock. */
class CompletionTest extends PlannerTestBase {
    private static final Duration RETENTION = LifecycleSettings.DEFAULT_COMPLETED_RETENTION;
    /** The default retry policy's max age plus the margin for its last attempt: how long a last fire may still need its schedule. */
    private static final Duration SETTLE = Duration.ofHours(1).plusMinutes(5);

    @Test
    void aOnceThatFiredIsCompletedAndDeletedWithTombstonesAfterTheRetention() {
        PlannerHarness planner = planner();
        Instant at = START.plusSeconds(10);
        planner.send(TestCommands.createOnce("s-done", "agent-1", at));

        assertThat(planner.advanceTo(at)).hasSize(1);
        ScheduleState completed = planner.scheduleStore().get("s-done");
        assertThat(completed.getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(completed.getCompletedAt()).isEqualTo(at);
        assertThat(purges(planner)).containsExactly(at.plus(RETENTION));
        planner.schedules.readKeyValuesToList();
        planner.commandsOut.readKeyValuesToList();

        planner.advanceTo(at.plus(RETENTION).minusMillis(100));
        assertThat(planner.scheduleStore().get("s-done")).isEqualTo(completed);

        planner.advanceTo(at.plus(RETENTION));
        assertDeleted(planner, "s-done");
    }

    @Test
    void deleteAfterCompletionDeletesOnceTheLastFireIsSettledAndKeepsItForItsRetries() {
        PlannerHarness planner = planner();
        Instant at = START.plusSeconds(10);
        planner.send(TestCommands.create("s-now", deleteAfterCompletion(TestCommands.spec(TENANT, "agent-2", new OnceCadence(at)))));

        DueEvent fire = planner.advanceTo(at).get(0).value();
        planner.advance(Duration.ofMillis(100));
        // Deletion is due, but the fire may still be retried and a retry needs the schedule.
        assertThat(planner.scheduleStore().get("s-now").getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(purges(planner)).containsExactly(at.plus(SETTLE));

        planner.sendResult(TestResults.retrying(fire, at.plusSeconds(60), at.plusSeconds(1)));
        List<TestRecord<String, DueEvent>> retried = planner.advanceTo(at.plusSeconds(60));
        assertThat(retried).extracting(r -> r.value().getAttempt()).containsExactly(2);
        assertThat(planner.scheduleStore().get("s-now")).isNotNull();
        planner.schedules.readKeyValuesToList();
        planner.commandsOut.readKeyValuesToList();

        planner.sendResult(TestResults.delivered(retried.get(0).value(), "run-1", at.plusSeconds(61)));
        assertDeleted(planner, "s-now");
        // The deferred deletion entry finds nothing left and goes.
        planner.advanceTo(at.plus(SETTLE));
        assertThat(purges(planner)).isEmpty();
        assertThat(planner.schedules.readKeyValuesToList()).isEmpty();
    }

    @Test
    void deleteAfterCompletionWithoutAnyResultWaitsOnlyAsLongAsRetriesCouldRun() {
        PlannerHarness planner = planner();
        Instant at = START.plusSeconds(10);
        planner.send(TestCommands.create("s-quiet", deleteAfterCompletion(TestCommands.spec(TENANT, "agent-3", new OnceCadence(at)))));
        planner.advanceTo(at);
        planner.advance(Duration.ofMillis(100));
        planner.schedules.readKeyValuesToList();
        planner.commandsOut.readKeyValuesToList();

        planner.advanceTo(at.plus(SETTLE).minusMillis(100));
        assertThat(planner.scheduleStore().get("s-quiet")).isNotNull();
        planner.advanceTo(at.plus(SETTLE));
        assertDeleted(planner, "s-quiet");
    }

    @Test
    void maxRunsReachedCompletesAndDeletesAtOnceWhenItsLastFireIsDelivered() {
        PlannerHarness planner = planner();
        ScheduleSpec spec = ScheduleSpec.newBuilder(deleteAfterCompletion(TestCommands.spec(TENANT, "agent-4", new IntervalCadence(60_000L, null))))
                .setMaxRuns(2L).build();
        planner.send(TestCommands.create("s-twice", spec));

        planner.advanceTo(START.plusSeconds(60));
        DueEvent last = planner.advanceTo(START.plusSeconds(120)).get(0).value();
        ScheduleState completed = planner.scheduleStore().get("s-twice");
        assertThat(completed.getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(completed.getFireCount()).isEqualTo(2);
        planner.schedules.readKeyValuesToList();
        planner.commandsOut.readKeyValuesToList();

        planner.sendResult(TestResults.delivered(last, "run-2", START.plusSeconds(121)));
        assertDeleted(planner, "s-twice");
    }

    @Test
    void anEndAtPassedCompletesTheSchedule() {
        PlannerHarness planner = planner();
        ScheduleSpec spec = ScheduleSpec.newBuilder(TestCommands.spec(TENANT, "agent-5", new IntervalCadence(60_000L, null)))
                .setEndAt(START.plusSeconds(90)).build();
        planner.send(TestCommands.create("s-ends", spec));

        planner.advanceTo(START.plusSeconds(60));
        ScheduleState completed = planner.scheduleStore().get("s-ends");
        assertThat(completed.getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(completed.getCompletedAt()).isEqualTo(START.plusSeconds(60));
        assertThat(purges(planner)).containsExactly(START.plusSeconds(60).plus(RETENTION));
    }

    @Test
    void aCompletionUndoneByAPatchIsNotDeletedOnTheOldDate() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withCompletedRetention(Duration.ofHours(2)), START);
        ScheduleSpec spec = ScheduleSpec.newBuilder(TestCommands.spec(TENANT, "agent-6", new IntervalCadence(60_000L, null))).setMaxRuns(1L).build();
        planner.send(TestCommands.create("s-again", spec));
        Instant firstCompletion = START.plusSeconds(60);
        planner.advanceTo(firstCompletion);
        assertThat(planner.scheduleStore().get("s-again").getCompletedAt()).isEqualTo(firstCompletion);

        ScheduleState revived = planner.send(TestCommands.patch("s-again", null, PatchSchedule.newBuilder().setMaxRuns(3L).build())).getState();
        assertThat(revived.getStatus()).isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(revived.getCompletedAt()).isNull();
        planner.advanceTo(START.plusSeconds(120));
        Instant secondCompletion = START.plusSeconds(180);
        planner.advanceTo(secondCompletion);
        assertThat(planner.scheduleStore().get("s-again").getCompletedAt()).isEqualTo(secondCompletion);

        planner.advanceTo(firstCompletion.plus(Duration.ofHours(2)));
        assertThat(planner.scheduleStore().get("s-again")).as("kept: it completed again later").isNotNull();
        planner.advanceTo(secondCompletion.plus(Duration.ofHours(2)));
        assertThat(planner.scheduleStore().get("s-again")).isNull();
        assertThat(purges(planner)).isEmpty();
    }

    private static ScheduleSpec deleteAfterCompletion(ScheduleSpec spec) {
        return ScheduleSpec.newBuilder(spec).setDeleteAfterCompletion(true).build();
    }

    private static void assertDeleted(PlannerHarness planner, String scheduleId) {
        assertThat(planner.scheduleStore().get(scheduleId)).isNull();
        // A result that settles the last fire publishes the state it leaves, then the tombstone.
        assertThat(planner.schedules.readKeyValuesToList()).last().isEqualTo(KeyValue.pair(scheduleId, null));
        assertThat(planner.commandsOut.readKeyValuesToList()).containsExactly(KeyValue.pair(scheduleId, null));
        KeyValueStore<String, String> applied = planner.driver.getKeyValueStore(PlannerTopology.APPLIED_RESULTS_STORE);
        assertThat(applied.get(scheduleId)).isNull();
    }

    /** The deletion index's times, oldest first. */
    private static List<Instant> purges(PlannerHarness planner) {
        KeyValueStore<Bytes, byte[]> store = planner.driver.getKeyValueStore(PlannerTopology.PURGES_STORE);
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            List<Instant> times = new ArrayList<>();
            it.forEachRemaining(kv -> times.add(TimelineKey.fromBytes(kv.key).fireAt()));
            return times;
        }
    }
}

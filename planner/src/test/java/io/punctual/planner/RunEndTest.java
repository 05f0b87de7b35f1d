package io.punctual.planner;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner counts a followed Letta run's end: a failed run is a failed fire for pause_after_failures, a
 * completed one resets the count, and with retry_on_run_failure a RETRYING run end fires the same fire again.
 */
class RunEndTest extends PlannerTestBase {

    private PlannerHarness everyMinute(int pauseAfterFailures, boolean retryOnRunFailure) {
        PlannerHarness planner = planner();
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-r", new CronCadence("* * * * *", "UTC"));
        spec.setPauseAfterFailures(pauseAfterFailures);
        spec.setRetryOnRunFailure(retryOnRunFailure);
        assertThat(planner.send(TestCommands.create("s-run", spec)).getAccepted()).isTrue();
        return planner;
    }

    private static DueEvent nextFire(PlannerHarness planner) {
        List<TestRecord<String, DueEvent>> fires = planner.advanceTo(planner.scheduleStore().get("s-run").getNextFireAt());
        assertThat(fires).hasSize(1);
        return fires.get(0).value();
    }

    private static ExecutionResult followed(DueEvent fire, String runId, Instant at) {
        ExecutionResult delivered = TestResults.delivered(fire, runId, at);
        delivered.setRunFollowed(true);
        return delivered;
    }

    private static ExecutionResult runEnd(DueEvent fire, String runId, Outcome outcome, String status, Instant at) {
        ExecutionResult end = TestResults.of(fire, outcome, at);
        end.setLettaRunId(runId);
        end.setRunEnd(true);
        end.setLettaRunStatus(status);
        end.setRunFinishedAt(at);
        if (outcome == Outcome.RETRYING) {
            end.setNextAttemptAt(at.plusSeconds(5));
        }
        return end;
    }

    @Test
    void failedRunsCountAsFailuresAndPauseTheScheduleEvenThoughEachDeliveryWasAccepted() {
        PlannerHarness planner = everyMinute(2, false);
        DueEvent first = nextFire(planner);
        planner.sendResult(followed(first, "run-1", planner.now()));
        planner.sendResult(runEnd(first, "run-1", Outcome.FAILED, "failed", planner.now()));
        ScheduleState afterFirst = planner.scheduleStore().get("s-run");
        assertThat(afterFirst.getDeliveredCount()).isEqualTo(1);
        assertThat(afterFirst.getFailureCount()).isEqualTo(1);
        assertThat(afterFirst.getConsecutiveFailures()).as("the accepted delivery did not reset the count the failed run raised").isEqualTo(1);

        DueEvent second = nextFire(planner);
        planner.sendResult(followed(second, "run-2", planner.now()));
        assertThat(planner.scheduleStore().get("s-run").getConsecutiveFailures()).as("an accepted delivery alone resets nothing").isEqualTo(1);
        planner.sendResult(runEnd(second, "run-2", Outcome.FAILED, "failed", planner.now()));

        ScheduleState state = planner.scheduleStore().get("s-run");
        assertThat(state.getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(state.getConsecutiveFailures()).isEqualTo(2);
        assertThat(state.getLastOutcome()).isEqualTo("failed");
    }

    @Test
    void aCompletedRunResetsTheCountWithoutCountingTheDeliveryTwice() {
        PlannerHarness planner = everyMinute(3, false);
        DueEvent first = nextFire(planner);
        planner.sendResult(followed(first, "run-1", planner.now()));
        planner.sendResult(runEnd(first, "run-1", Outcome.FAILED, "failed", planner.now()));
        DueEvent second = nextFire(planner);
        planner.sendResult(followed(second, "run-2", planner.now()));
        planner.sendResult(runEnd(second, "run-2", Outcome.DELIVERED, "completed", planner.now()));
        planner.sendResult(runEnd(second, "run-2", Outcome.DELIVERED, "completed", planner.now()));

        ScheduleState state = planner.scheduleStore().get("s-run");
        assertThat(state.getConsecutiveFailures()).isZero();
        assertThat(state.getDeliveredCount()).isEqualTo(2);
        assertThat(state.getFailureCount()).isEqualTo(1);
        assertThat(state.getLastLettaRunId()).isEqualTo("run-2");
    }

    @Test
    void retryOnRunFailureFiresTheSameFireAgainAsItsNextAttempt() {
        PlannerHarness planner = everyMinute(10, true);
        DueEvent first = nextFire(planner);
        assertThat(first.getRetryOnRunFailure()).as("the schedule's choice travels with its fires").isTrue();
        planner.sendResult(followed(first, "run-1", planner.now()));
        ExecutionResult end = runEnd(first, "run-1", Outcome.RETRYING, "failed", planner.now());
        planner.sendResult(end);

        List<TestRecord<String, DueEvent>> retried = planner.advanceTo(end.getNextAttemptAt());
        assertThat(retried).singleElement().satisfies(r -> {
            assertThat(r.value().getFireId()).isEqualTo(first.getFireId());
            assertThat(r.value().getAttempt()).isEqualTo(2);
        });
    }

    @Test
    void aRunEndThatChangesNothingAReaderSeesWritesNoState() {
        PlannerHarness planner = everyMinute(3, false);
        DueEvent fire = nextFire(planner);
        planner.sendResult(followed(fire, "run-1", planner.now()));
        ScheduleState delivered = planner.scheduleStore().get("s-run");
        planner.schedules.readRecordsToList(); // what the fire and the delivery published

        planner.sendResult(runEnd(fire, "run-1", Outcome.DELIVERED, "completed", planner.now().plusSeconds(3)));

        // The delivery already counted it and there were no failures to reset: no state, no punctual.schedules record.
        assertThat(planner.schedules.readRecordsToList()).isEmpty();
        assertThat(planner.scheduleStore().get("s-run")).isEqualTo(delivered);
    }
}

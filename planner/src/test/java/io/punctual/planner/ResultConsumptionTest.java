package io.punctual.planner;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The planner reads punctual.results and keeps each schedule's outcome counters, pauses and retry timers. */
class ResultConsumptionTest extends PlannerTestBase {
    private static final Instant FIRST = Instant.parse("2025-03-03T07:58:00Z");

    private DueEvent nextFire(PlannerHarness planner) {
        List<TestRecord<String, DueEvent>> fires = planner.advanceTo(planner.scheduleStore().get("s-res").getNextFireAt());
        assertThat(fires).hasSize(1);
        return fires.get(0).value();
    }

    private PlannerHarness everyMinute(int pauseAfterFailures) {
        PlannerHarness planner = planner();
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-r", new CronCadence("* * * * *", "UTC"));
        spec.setPauseAfterFailures(pauseAfterFailures);
        spec.setOverlap(OverlapPolicy.SKIP);
        assertThat(planner.send(TestCommands.create("s-res", spec)).getAccepted()).isTrue();
        planner.schedules.readRecordsToList();
        return planner;
    }

    @Test
    void deliveredResultsAreCountedOnceAndTheRunIdTravelsWithTheNextFire() {
        PlannerHarness planner = everyMinute(10);
        DueEvent first = nextFire(planner);
        assertThat(first.getScheduledFor()).isEqualTo(FIRST);
        assertThat(first.getOverlap()).isEqualTo(OverlapPolicy.SKIP);
        assertThat(first.getPreviousLettaRunId()).isNull();
        assertThat(first.getRetry().getMaxAttempts()).isEqualTo(5);
        planner.schedules.readRecordsToList();

        planner.sendResult(TestResults.delivered(first, "run-1", planner.now()));
        planner.sendResult(TestResults.delivered(first, "run-1", planner.now()));

        ScheduleState state = planner.scheduleStore().get("s-res");
        assertThat(state.getDeliveredCount()).as("a duplicate result is not counted again").isEqualTo(1);
        assertThat(state.getLastOutcome()).isEqualTo("delivered");
        assertThat(state.getLastLettaRunId()).isEqualTo("run-1");
        assertThat(state.getVersion()).as("outcomes are not commands").isEqualTo(1L);
        List<KeyValue<String, ScheduleState>> published = planner.schedules.readKeyValuesToList();
        assertThat(published).as("one state change, published once").hasSize(1);
        assertThat(published.get(0).value.getDeliveredCount()).isEqualTo(1);

        DueEvent second = nextFire(planner);
        assertThat(second.getPreviousLettaRunId()).isEqualTo("run-1");
    }

    @Test
    void aRecurringSchedulesResultsAreRememberedWithoutItsIdAndTheLastOnesStillCountOnce() {
        PlannerHarness planner = everyMinute(10);
        List<DueEvent> fires = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            DueEvent fire = nextFire(planner);
            fires.add(fire);
            planner.sendResult(TestResults.delivered(fire, "run-" + i, planner.now()));
        }
        String remembered = appliedResults(planner).get("s-res");
        List<String> ids = List.of(remembered.split("\n"));
        assertThat(ids).hasSize(32).allSatisfy(id -> assertThat(id).startsWith("@").doesNotContain("s-res"));
        assertThat(ids.get(31)).isEqualTo("@" + fires.get(39).getScheduledFor().toEpochMilli() + "#1");
        assertThat(remembered.length()).as("about 20 characters a result, not 47").isLessThan(32 * 22);

        planner.sendResult(TestResults.delivered(fires.get(39), "run-39", planner.now()));
        planner.sendResult(TestResults.delivered(fires.get(8), "run-8", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getDeliveredCount()).as("the last 32 results are known").isEqualTo(40);
    }

    @Test
    void resultsRememberedWholeByAnEarlierVersionStillCountOnceAndAreShortenedWhenRewritten() {
        PlannerHarness planner = everyMinute(10);
        DueEvent first = nextFire(planner);
        // As the store held it before: whole fire ids.
        appliedResults(planner).put("s-res", first.getFireId() + "#1");
        planner.sendResult(TestResults.delivered(first, "run-1", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getDeliveredCount()).as("known from the whole id").isZero();

        DueEvent second = nextFire(planner);
        planner.sendResult(TestResults.delivered(second, "run-2", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getDeliveredCount()).isEqualTo(1);
        assertThat(appliedResults(planner).get("s-res")).isEqualTo(
                "@" + first.getScheduledFor().toEpochMilli() + "#1\n@" + second.getScheduledFor().toEpochMilli() + "#1");
        planner.sendResult(TestResults.delivered(first, "run-1", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getDeliveredCount()).isEqualTo(1);
    }

    private static KeyValueStore<String, String> appliedResults(PlannerHarness planner) {
        return planner.driver.getKeyValueStore(PlannerTopology.APPLIED_RESULTS_STORE);
    }

    @Test
    void consecutiveFailuresPauseTheScheduleWithANoteAndADeliveryResetsTheCount() {
        PlannerHarness planner = everyMinute(3);
        DueEvent first = nextFire(planner);
        planner.sendResult(TestResults.failed(first, "400 Bad Request: agent not found", planner.now()));
        DueEvent second = nextFire(planner);
        planner.sendResult(TestResults.delivered(second, "run-2", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getConsecutiveFailures()).isZero();

        for (int i = 0; i < 3; i++) {
            DueEvent fire = nextFire(planner);
            planner.sendResult(TestResults.failed(fire, "400 Bad Request: agent not found", planner.now()));
        }
        ScheduleState state = planner.scheduleStore().get("s-res");
        assertThat(state.getFailureCount()).isEqualTo(4);
        assertThat(state.getConsecutiveFailures()).isEqualTo(3);
        assertThat(state.getDeliveredCount()).isEqualTo(1);
        assertThat(state.getLastOutcome()).isEqualTo("failed");
        assertThat(state.getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(state.getPausedNote())
                .isEqualTo("paused after 3 consecutive failed fires; last error: 400 Bad Request: agent not found");
        assertThat(planner.timeline()).as("a paused schedule is off the timeline").isEmpty();
        assertThat(planner.advance(Duration.ofMinutes(5))).isEmpty();
    }

    @Test
    void zeroNeverPauses() {
        PlannerHarness planner = everyMinute(0);
        for (int i = 0; i < 12; i++) {
            planner.sendResult(TestResults.failed(nextFire(planner), "500", planner.now()));
        }
        assertThat(planner.scheduleStore().get("s-res").getStatus()).isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(planner.scheduleStore().get("s-res").getConsecutiveFailures()).isEqualTo(12);
    }

    @Test
    void skippedOutcomesAreRecordedAsTheLastOutcomeOnly() {
        PlannerHarness planner = everyMinute(10);
        DueEvent first = nextFire(planner);
        planner.sendResult(TestResults.of(first, Outcome.SKIPPED_OVERLAP, planner.now()));
        ScheduleState state = planner.scheduleStore().get("s-res");
        assertThat(state.getLastOutcome()).isEqualTo("skipped_overlap");
        assertThat(state.getDeliveredCount() + state.getFailureCount()).isZero();
    }

    @Test
    void aRetryingResultArmsATimerThatReEmitsTheSameFireAsTheNextAttemptNotBefore() {
        PlannerHarness planner = everyMinute(10);
        DueEvent first = nextFire(planner);
        Instant retryAt = planner.now().plusSeconds(7);
        planner.schedules.readRecordsToList();
        planner.sendResult(TestResults.retrying(first, retryAt, planner.now()));
        assertThat(planner.schedules.readRecordsToList()).as("a retry is no state change").isEmpty();

        assertThat(planner.advanceTo(retryAt.minusMillis(100))).isEmpty();
        List<TestRecord<String, DueEvent>> retried = planner.advanceTo(retryAt);
        assertThat(retried).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("agent-r");
            assertThat(r.value().getFireId()).isEqualTo(first.getFireId());
            assertThat(r.value().getAttempt()).isEqualTo(2);
            assertThat(r.value().getScheduledFor()).isEqualTo(first.getScheduledFor());
            assertThat(r.value().getManual()).isFalse();
            assertThat(r.value().getTarget()).isEqualTo(first.getTarget());
        });
        assertThat(planner.advance(Duration.ofSeconds(10))).as("a timer fires once").isEmpty();

        planner.sendResult(TestResults.delivered(retried.get(0).value(), "run-r", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getDeliveredCount()).isEqualTo(1);
    }

    @Test
    void retriesOfAPausedScheduleStillGoOutAndThoseOfADeletedOneAreDropped() {
        PlannerHarness planner = everyMinute(1);
        DueEvent first = nextFire(planner);
        Instant retryAt = planner.now().plusSeconds(90);
        planner.sendResult(TestResults.retrying(first, retryAt, planner.now()));
        DueEvent second = nextFire(planner);
        planner.sendResult(TestResults.failed(second, "401", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getStatus()).isEqualTo(ScheduleStatus.PAUSED);

        assertThat(planner.advanceTo(retryAt)).extracting(r -> r.value().getFireId(), r -> r.value().getAttempt())
                .containsExactly(Tuple.tuple(first.getFireId(), 2));

        planner.sendResult(TestResults.retrying(second, planner.now().plusSeconds(5), planner.now()));
        planner.send(TestCommands.delete("s-res", TestCommands.TENANT, null));
        assertThat(planner.advance(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void aRetryOfADeletedScheduleDoesNotReachOneCreatedAgainUnderItsId() {
        PlannerHarness planner = everyMinute(10);
        DueEvent first = nextFire(planner);
        planner.sendResult(TestResults.retrying(first, planner.now().plusSeconds(30), planner.now()));
        planner.send(TestCommands.delete("s-res", TestCommands.TENANT, null));
        planner.advance(Duration.ofSeconds(1));
        ScheduleSpec again = TestCommands.spec(TestCommands.TENANT, "agent-r", new CronCadence("@daily", "UTC"));
        assertThat(planner.send(TestCommands.create("s-res", again)).getAccepted()).isTrue();
        assertThat(planner.advance(Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void undecodableResultsAndResultsOfUnknownSchedulesAreSkipped() {
        PlannerHarness planner = everyMinute(10);
        planner.executionResults.pipeInput("s-res", "not avro".getBytes(StandardCharsets.UTF_8));
        DueEvent first = nextFire(planner);
        DueEvent stranger = DueEvent.newBuilder(first).setScheduleId("s-unknown").setFireId("s-unknown@1").build();
        planner.sendResult(TestResults.delivered(stranger, "run-x", planner.now()));
        assertThat(planner.scheduleStore().get("s-unknown")).isNull();

        planner.sendResult(TestResults.delivered(first, "run-1", planner.now()));
        assertThat(planner.scheduleStore().get("s-res").getDeliveredCount()).as("the planner kept going").isEqualTo(1);
    }
}

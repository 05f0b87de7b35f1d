package io.punctual.planner;

import io.punctual.schemas.CatchupPolicy;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.fire.FireIds;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pause, resume and what happens to the fires missed meanwhile, under each catch-up policy. */
class CatchupTest extends PlannerTestBase {
    /** Every 10 minutes from 08:00; paused at 07:59, resumed at 09:05: 08:00..09:00 (7 fires) were missed. */
    private static final Instant RESUME = Instant.parse("2025-03-03T09:05:00Z");

    private PlannerHarness pausedThroughSevenFires(CatchupPolicy policy, long windowMs) {
        PlannerHarness planner = planner();
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-c", new CronCadence("*/10 * * * *", "UTC"));
        spec.setCatchup(policy);
        spec.setCatchupWindowMs(windowMs);
        assertThat(planner.send(TestCommands.create("s-c", spec)).getAccepted()).isTrue();
        planner.advanceTo(Instant.parse("2025-03-03T07:59:00Z"));
        CommandResult paused = planner.send(TestCommands.pause("s-c", "holiday"));
        assertThat(paused.getAccepted()).isTrue();
        assertThat(paused.getState().getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(paused.getState().getPausedNote()).isEqualTo("holiday");
        assertThat(paused.getVersion()).isEqualTo(2L);
        assertThat(planner.timeline()).isEmpty();
        assertThat(planner.advanceTo(RESUME)).as("nothing fires while paused").isEmpty();
        CommandResult resumed = planner.send(TestCommands.resume("s-c"));
        assertThat(resumed.getAccepted()).isTrue();
        assertThat(resumed.getVersion()).isEqualTo(3L);
        assertThat(resumed.getState().getPausedNote()).isNull();
        return planner;
    }

    @Test
    void skipCountsTheMissedFiresAndWaitsForTheNextOne() {
        PlannerHarness planner = pausedThroughSevenFires(CatchupPolicy.SKIP, 3_600_000);
        assertThat(planner.advance(Duration.ofMillis(100))).isEmpty();
        ScheduleState state = planner.scheduleStore().get("s-c");
        assertThat(state.getMissedCount()).isEqualTo(7);
        assertThat(state.getFireCount()).isZero();
        assertThat(state.getNextFireAt()).isEqualTo(Instant.parse("2025-03-03T09:10:00Z"));
        assertThat(planner.advanceTo(Instant.parse("2025-03-03T09:10:00Z"))).hasSize(1);
    }

    @Test
    void fireOnceSendsOneFireStandingForAllTheMissedOnes() {
        PlannerHarness planner = pausedThroughSevenFires(CatchupPolicy.FIRE_ONCE, 3_600_000);
        List<TestRecord<String, DueEvent>> fires = planner.advance(Duration.ofMillis(100));
        assertThat(fires).singleElement().satisfies(f -> {
            assertThat(f.value().getMissedFires()).isEqualTo(7);
            assertThat(f.value().getScheduledFor()).isEqualTo(Instant.parse("2025-03-03T09:00:00Z"));
            assertThat(f.value().getFireId()).isEqualTo(FireIds.of("s-c", Instant.parse("2025-03-03T09:00:00Z")));
        });
        ScheduleState state = planner.scheduleStore().get("s-c");
        assertThat(state.getFireCount()).isEqualTo(1);
        assertThat(state.getMissedCount()).isEqualTo(6);
        assertThat(state.getLastLatenessMs()).isEqualTo(Duration.ofMinutes(5).plusMillis(100).toMillis());
        assertThat(state.getNextFireAt()).isEqualTo(Instant.parse("2025-03-03T09:10:00Z"));
    }

    @Test
    void fireAllSendsEveryMissedFireWithinTheWindowAndCountsTheOlderOnes() {
        // A 35-minute window reaches back to 08:30:00.100: 08:40..09:00 fire, 08:00..08:30 are counted missed.
        PlannerHarness planner = pausedThroughSevenFires(CatchupPolicy.FIRE_ALL, Duration.ofMinutes(35).toMillis());
        List<TestRecord<String, DueEvent>> fires = planner.advance(Duration.ofMillis(100));
        assertThat(fires).extracting(f -> f.value().getScheduledFor()).containsExactly(
                Instant.parse("2025-03-03T08:40:00Z"), Instant.parse("2025-03-03T08:50:00Z"), Instant.parse("2025-03-03T09:00:00Z"));
        assertThat(fires).extracting(f -> f.value().getFireId()).doesNotHaveDuplicates();
        ScheduleState state = planner.scheduleStore().get("s-c");
        assertThat(state.getMissedCount()).isEqualTo(4);
        assertThat(state.getFireCount()).isEqualTo(3);
        assertThat(state.getNextFireAt()).isEqualTo(Instant.parse("2025-03-03T09:10:00Z"));
    }

    @Test
    void aOneTimeFireMissedWhilePausedGoesOutOnResumeWithItsLateness() {
        PlannerHarness planner = planner();
        Instant at = Instant.parse("2025-03-03T08:30:00Z");
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-o", new OnceCadence(at));
        assertThat(planner.send(TestCommands.createPaused("s-o", spec, "not yet")).getState().getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(planner.advanceTo(Instant.parse("2025-03-03T10:00:00Z"))).isEmpty();
        planner.send(TestCommands.resume("s-o"));
        List<TestRecord<String, DueEvent>> fires = planner.advance(Duration.ofMillis(100));
        assertThat(fires).singleElement().satisfies(f -> assertThat(f.value().getScheduledFor()).isEqualTo(at));
        ScheduleState state = planner.scheduleStore().get("s-o");
        assertThat(state.getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(state.getLastLatenessMs()).isEqualTo(Duration.ofMinutes(90).plusMillis(100).toMillis());
        assertThat(state.getMissedCount()).isZero();
    }

    @Test
    void aOneTimeFireMissedWhileThePlannerWasDownGoesOutAtRestart() {
        PlannerHarness planner = planner();
        Instant at = Instant.parse("2025-03-03T08:00:00Z");
        planner.send(TestCommands.createOnce("s-down", "agent-d", at));
        // No punctuation between 07:57:30 and 11:00: the planner was down.
        List<TestRecord<String, DueEvent>> fires = planner.advanceTo(Instant.parse("2025-03-03T11:00:00Z"));
        assertThat(fires).singleElement().satisfies(f -> assertThat(f.value().getFireId()).isEqualTo(FireIds.of("s-down", at)));
        assertThat(planner.scheduleStore().get("s-down").getLastLatenessMs()).isEqualTo(Duration.ofHours(3).toMillis());
    }

    @Test
    void pauseAndResumeAnswerWhenTheyDoNotApply() {
        PlannerHarness planner = planner();
        planner.send(TestCommands.createCron("s-pr", "agent-p", "* * * * *", "UTC"));
        CommandResult resumeActive = planner.send(TestCommands.resume("s-pr"));
        assertThat(resumeActive.getAccepted()).isFalse();
        assertThat(resumeActive.getReason()).isEqualTo("not_paused");
        assertThat(resumeActive.getVersion()).isEqualTo(1L);
        planner.send(TestCommands.pause("s-pr", null));
        CommandResult pauseAgain = planner.send(TestCommands.pause("s-pr", "again"));
        assertThat(pauseAgain.getAccepted()).isFalse();
        assertThat(pauseAgain.getReason()).isEqualTo("not_active");
        assertThat(pauseAgain.getMessage()).contains("paused");
    }
}

package io.punctual.planner;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.ReplaceSchedule;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

/** Intervals, windows, max_runs, triggers, versions, replace and patch, through the planner. */
class ScheduleModelTest extends PlannerTestBase {

    private static ScheduleSpec spec(Object cadence) {
        return TestCommands.spec(TestCommands.TENANT, "agent-m", cadence);
    }

    private static List<Instant> scheduledFor(List<TestRecord<String, DueEvent>> fires) {
        return fires.stream().map(f -> f.value().getScheduledFor()).toList();
    }

    @Test
    void anIntervalFiresOnItsGridEvenWhenAPunctuationIsLate() {
        PlannerHarness planner = planner();
        CommandResult created = planner.send(TestCommands.create("s-int", spec(new IntervalCadence(15_000L, null))));
        assertThat(created.getState().getNextFireAt()).isEqualTo(START.plusSeconds(15));
        List<Instant> fires = new ArrayList<>();
        fires.addAll(scheduledFor(planner.advance(Duration.ofSeconds(17))));
        fires.addAll(scheduledFor(planner.advance(Duration.ofSeconds(13))));
        fires.addAll(scheduledFor(planner.advance(Duration.ofSeconds(15))));
        assertThat(fires).containsExactly(START.plusSeconds(15), START.plusSeconds(30), START.plusSeconds(45));
    }

    @Test
    void startAndEndBoundTheFiresAndTheScheduleCompletesAfterEnd() {
        PlannerHarness planner = planner();
        ScheduleSpec spec = spec(new CronCadence("*/10 * * * *", "UTC"));
        spec.setStartAt(Instant.parse("2025-03-03T08:15:00Z"));
        spec.setEndAt(Instant.parse("2025-03-03T08:40:00Z"));
        assertThat(planner.send(TestCommands.create("s-win", spec)).getState().getNextFireAt()).isEqualTo(Instant.parse("2025-03-03T08:20:00Z"));
        List<Instant> fires = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            fires.addAll(scheduledFor(planner.advance(Duration.ofMinutes(1))));
        }
        assertThat(fires).containsExactly(Instant.parse("2025-03-03T08:20:00Z"), Instant.parse("2025-03-03T08:30:00Z"), Instant.parse("2025-03-03T08:40:00Z"));
        ScheduleState state = planner.scheduleStore().get("s-win");
        assertThat(state.getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(state.getNextFireAt()).isNull();
        assertThat(planner.timeline()).isEmpty();
    }

    @Test
    void maxRunsCompletesAfterThatManyScheduledFiresAndTriggersDoNotCount() {
        PlannerHarness planner = planner();
        ScheduleSpec spec = spec(new IntervalCadence(60_000L, null));
        spec.setMaxRuns(2L);
        planner.send(TestCommands.create("s-max", spec));
        CommandResult triggered = planner.send(TestCommands.trigger("s-max"));
        List<TestRecord<String, DueEvent>> manual = planner.due.readRecordsToList();
        assertThat(manual).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("agent-m");
            assertThat(f.value().getManual()).isTrue();
            assertThat(f.value().getFireId()).isEqualTo("s-max@" + START.toEpochMilli() + ":manual:2");
            assertThat(f.value().getScheduledFor()).isEqualTo(START);
        });
        assertThat(triggered.getVersion()).isEqualTo(2L);
        assertThat(triggered.getState().getManualFireCount()).isEqualTo(1);
        assertThat(triggered.getState().getFireCount()).isZero();

        List<TestRecord<String, DueEvent>> fires = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fires.addAll(planner.advance(Duration.ofMinutes(1)));
        }
        assertThat(fires).hasSize(2).allSatisfy(f -> assertThat(f.value().getManual()).isFalse());
        ScheduleState state = planner.scheduleStore().get("s-max");
        assertThat(state.getStatus()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(state.getFireCount()).isEqualTo(2);
        assertThat(state.getManualFireCount()).isEqualTo(1);
    }

    @Test
    void twoTriggersInOneMillisecondHaveDistinctFireIds() {
        PlannerHarness planner = planner();
        planner.send(TestCommands.createCron("s-tt", "agent-t", "@daily", "UTC"));
        planner.send(TestCommands.trigger("s-tt"));
        planner.send(TestCommands.trigger("s-tt"));
        assertThat(planner.due.readRecordsToList()).extracting(f -> f.value().getFireId()).doesNotHaveDuplicates().hasSize(2);
    }

    @Test
    void jitterDelaysEachFireDeterministicallyBelowTheJitterAndKeepsTheNominalTime() {
        List<Long> delays = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            // A punctuation every millisecond, so the test can look at the millisecond before the due time.
            PlannerHarness planner = planner(s -> s.withPunctuateInterval(Duration.ofMillis(1)), START);
            ScheduleSpec spec = spec(new IntervalCadence(60_000L, null));
            spec.setJitterMs(20_000L);
            planner.send(TestCommands.create("s-jit", spec));
            List<Long> thisRun = new ArrayList<>();
            Instant nominal = START.plusSeconds(60);
            for (int fire = 0; fire < 20; fire++) {
                // The timeline holds the jittered due time: nothing fires a millisecond before it, the fire at it.
                Instant dueAt = planner.timeline().get(0).key;
                assertThat(planner.advanceTo(dueAt.minusMillis(1))).isEmpty();
                List<TestRecord<String, DueEvent>> fires = planner.advanceTo(dueAt);
                assertThat(fires).hasSize(1);
                DueEvent event = fires.get(0).value();
                assertThat(event.getScheduledFor()).isEqualTo(nominal);
                long delay = Duration.between(nominal, event.getEmittedAt()).toMillis();
                assertThat(delay).isBetween(0L, 19_999L);
                thisRun.add(delay);
                nominal = nominal.plusSeconds(60);
            }
            if (run == 0) {
                delays.addAll(thisRun);
            } else {
                assertThat(thisRun).as("same delays on a replay").isEqualTo(delays);
            }
        }
        assertThat(delays.stream().distinct().count()).as("the delays vary").isGreaterThan(5);
    }

    @Test
    void jitterNeverPushesAFirePastTheNextOne() {
        PlannerHarness planner = planner();
        ScheduleSpec spec = spec(new IntervalCadence(2_000L, null));
        spec.setJitterMs(3_600_000L);
        planner.send(TestCommands.create("s-jit2", spec));
        List<Instant> fires = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ScheduleState state = planner.scheduleStore().get("s-jit2");
            // The timeline holds the jittered due time: at or after the nominal one, before the fire after it.
            assertThat(planner.timeline()).singleElement().satisfies(entry -> assertThat(entry.key)
                    .isAfterOrEqualTo(state.getNextFireAt()).isBefore(state.getNextFireAt().plusSeconds(2)));
            planner.advance(Duration.ofMillis(500)).forEach(f -> fires.add(f.value().getScheduledFor()));
        }
        assertThat(fires).isSorted().doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void aStaleExpectedVersionIsAConflictAndNothingChanges() {
        PlannerHarness planner = planner();
        planner.send(TestCommands.createCron("s-v", "agent-v", "*/5 * * * *", "UTC"));
        assertThat(planner.send(TestCommands.pause("s-v", "by ops")).getVersion()).isEqualTo(2L);
        PatchSchedule stalePatch = PatchSchedule.newBuilder().setCadence(new CronCadence("*/1 * * * *", "UTC")).build();
        CommandResult conflict = planner.send(TestCommands.patch("s-v", 1L, stalePatch));
        assertThat(conflict.getAccepted()).isFalse();
        assertThat(conflict.getReason()).isEqualTo("version_conflict");
        assertThat(conflict.getVersion()).isEqualTo(2L);
        assertThat(conflict.getMessage()).contains("version 2");
        ScheduleState state = planner.scheduleStore().get("s-v");
        assertThat(state.getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(((CronCadence) state.getSpec().getCadence()).getExpression()).isEqualTo("*/5 * * * *");
    }

    @Test
    void replaceChangesTheWholeSpecAndRecomputesTheNextFire() {
        PlannerHarness planner = planner();
        planner.send(TestCommands.createCron("s-r", "agent-r", "*/5 * * * *", "UTC"));
        ScheduleSpec replacement = TestCommands.spec(TestCommands.TENANT, "agent-r2", new IntervalCadence(3_600_000L, Instant.parse("2025-03-03T00:30:00Z")));
        CommandResult replaced = planner.send(TestCommands.replace("s-r", 1L, replacement));
        assertThat(replaced.getAccepted()).isTrue();
        assertThat(replaced.getVersion()).isEqualTo(2L);
        assertThat(replaced.getState().getNextFireAt()).isEqualTo(Instant.parse("2025-03-03T08:30:00Z"));
        assertThat(planner.timeline()).extracting(kv -> kv.key).containsExactly(Instant.parse("2025-03-03T08:30:00Z"));
        assertThat(planner.advanceTo(Instant.parse("2025-03-03T08:30:00Z"))).singleElement()
                .satisfies(f -> assertThat(f.key()).isEqualTo("agent-r2"));

        ScheduleSpec otherTenant = TestCommands.spec(TestCommands.OTHER_TENANT, "agent-x", new IntervalCadence(60_000L, null));
        CommandResult stolen = planner.send(TestCommands.command("s-r", TestCommands.TENANT, null, new ReplaceSchedule(otherTenant)));
        assertThat(stolen.getReason()).isEqualTo("invalid_command");
        CommandResult bad = planner.send(TestCommands.replace("s-r", null, spec(new CronCadence("not cron", "UTC"))));
        assertThat(bad.getReason()).isEqualTo("invalid_cron");
        assertThat(planner.scheduleStore().get("s-r").getVersion()).isEqualTo(2L);
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndClearResetsBounds() {
        PlannerHarness planner = planner();
        ScheduleSpec spec = spec(new CronCadence("*/5 * * * *", "UTC"));
        spec.setEndAt(Instant.parse("2025-03-03T09:00:00Z"));
        spec.setMaxRuns(3L);
        planner.send(TestCommands.create("s-p", spec));

        CommandResult patched = planner.send(TestCommands.patch("s-p", null, PatchSchedule.newBuilder()
                .setJitterMs(1_000L).setClear(List.of("end_at", "max_runs")).build()));
        assertThat(patched.getAccepted()).isTrue();
        ScheduleSpec after = patched.getState().getSpec();
        assertThat(after.getEndAt()).isNull();
        assertThat(after.getMaxRuns()).isNull();
        assertThat(after.getJitterMs()).isEqualTo(1_000L);
        assertThat(after.getCadence()).isEqualTo(spec.getCadence());
        assertThat(after.getTarget()).isEqualTo(spec.getTarget());
        assertThat(after.getLabels()).isEqualTo(spec.getLabels());

        CommandResult backwards = planner.send(TestCommands.patch("s-p", null, PatchSchedule.newBuilder()
                .setStartAt(Instant.parse("2025-03-05T00:00:00Z")).setEndAt(Instant.parse("2025-03-04T00:00:00Z")).build()));
        assertThat(backwards.getReason()).isEqualTo("end_before_start");
        CommandResult slow = planner.send(TestCommands.patch("s-p", null, PatchSchedule.newBuilder().setCadence(new IntervalCadence(10L, null)).build()));
        assertThat(slow.getReason()).isEqualTo("invalid_interval");
        CommandResult unclear = planner.send(TestCommands.patch("s-p", null, PatchSchedule.newBuilder().setClear(List.of("cadence")).build()));
        assertThat(unclear.getReason()).isEqualTo("invalid_command");
        CommandResult past = planner.send(TestCommands.patch("s-p", null, PatchSchedule.newBuilder().setEndAt(START.minusSeconds(3600)).build()));
        assertThat(past.getReason()).isEqualTo("in_the_past");
        assertThat(planner.scheduleStore().get("s-p").getVersion()).isEqualTo(2L);
    }

    @Test
    void commandsOnAnUnknownScheduleAreNotFound() {
        PlannerHarness planner = planner();
        for (var command : List.of(TestCommands.pause("nope", null), TestCommands.resume("nope"), TestCommands.trigger("nope"),
                TestCommands.patch("nope", null, PatchSchedule.newBuilder().build()))) {
            CommandResult result = planner.send(command);
            assertThat(result.getAccepted()).isFalse();
            assertThat(result.getReason()).isEqualTo("not_found");
        }
        assertThat(planner.due.readRecordsToList()).isEmpty();
    }
}

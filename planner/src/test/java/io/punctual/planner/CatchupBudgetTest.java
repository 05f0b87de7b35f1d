package io.punctual.planner;

import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner's clock stops for a day (the planner was down) while 100,000 minutely schedules miss 1,440 fires each:
 * it catches up in bounded punctuations, each handling at most its budget of schedules, and counts every miss.
 */
class CatchupBudgetTest extends PlannerTestBase {
    private static final int SCHEDULES = 100_000;
    private static final int BUDGET = 10_000;
    private static final Duration OUTAGE = Duration.ofDays(1);

    @Test
    void aDayOfMissedMinutelyFiresIsCaughtUpInBoundedPunctuations() {
        PlannerHarness planner = planner(s -> s.withMaxFiresPerPunctuation(BUDGET), PlannerHarness.START);
        List<String> ids = seed(planner, TestCommands.spec(TestCommands.TENANT, "agent-0", new IntervalCadence(60_000L, null)), SCHEDULES);
        Instant firstFire = planner.scheduleStore().get(ids.get(0)).getNextFireAt();

        // The clock stops for a day: the next punctuation sees every schedule 1,440 fires late.
        List<Integer> handled = new ArrayList<>();
        Set<String> fireIds = new HashSet<>();
        planner.schedules.readRecordsToList();
        collect(planner.advance(OUTAGE), fireIds);
        handled.add(planner.schedules.readRecordsToList().size());
        int punctuations = 1;
        while (punctuations < 30 && handled.get(handled.size() - 1) > 0) {
            collect(planner.advance(Duration.ofMillis(100)), fireIds);
            handled.add(planner.schedules.readRecordsToList().size());
            punctuations++;
        }
        System.out.printf("CatchupBudgetTest: %d schedules handled per punctuation: %s%n", SCHEDULES, handled);

        // Each schedule is handled twice: its missed run is skipped, then its first fire within the threshold goes out.
        assertThat(handled).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(BUDGET));
        assertThat(punctuations).isLessThanOrEqualTo(2 * SCHEDULES / BUDGET + 2);
        assertThat(fireIds).hasSize(SCHEDULES);
        Instant now = planner.now();
        long missed = Duration.between(firstFire, now.minusSeconds(60)).toMinutes();
        for (String id : List.of(ids.get(0), ids.get(SCHEDULES / 2), ids.get(SCHEDULES - 1))) {
            ScheduleState state = planner.scheduleStore().get(id);
            assertThat(state.getStatus()).isEqualTo(ScheduleStatus.ACTIVE);
            assertThat(state.getNextFireAt()).isAfter(now.minusSeconds(60));
            assertThat(state.getMissedCount()).as("every missed fire of %s counted", id).isBetween(missed - 1, missed + 1);
        }
        assertThat(planner.timeline()).hasSize(SCHEDULES).allSatisfy(e -> assertThat(e.key).isAfter(now.minusSeconds(60)));
    }

    @Test
    void aCronScheduleThatMissedADayJumpsToItsNextFireInBoundedSteps() {
        PlannerHarness planner = planner(s -> s.withMaxFiresPerPunctuation(BUDGET), PlannerHarness.START);
        List<String> ids = seed(planner, TestCommands.spec(TestCommands.TENANT, "agent-0", new CronCadence("* * * * *", "Europe/Berlin")), 1_000);
        planner.advance(OUTAGE);
        planner.advance(Duration.ofMillis(100));
        Instant now = planner.now();
        ScheduleState state = planner.scheduleStore().get(ids.get(0));
        assertThat(state.getNextFireAt()).isAfter(now.minusSeconds(60)).isBefore(now.plusSeconds(61));
        // Stepped through the first 100 misses, then jumped to the last one: the count is a lower bound for cron.
        assertThat(state.getMissedCount()).isGreaterThanOrEqualTo(101);
        assertThat(planner.timeline()).hasSize(1_000);
    }

    /** One schedule created by a command, the rest copies written straight into the stores (piping is too slow). */
    private static List<String> seed(PlannerHarness planner, ScheduleSpec spec, int count) {
        assertThat(planner.send(TestCommands.create("c-0", spec)).getAccepted()).isTrue();
        ScheduleState template = planner.scheduleStore().get("c-0");
        KeyValueStore<Bytes, byte[]> timeline = planner.driver.getKeyValueStore(PlannerTopology.TIMELINE_STORE);
        List<String> ids = new ArrayList<>(List.of("c-0"));
        for (int i = 1; i < count; i++) {
            String id = "c-" + i;
            planner.scheduleStore().put(ScheduleState.newBuilder(template).setScheduleId(id).build());
            timeline.put(new TimelineKey(template.getNextFireAt(), id).toBytes(), new byte[0]);
            ids.add(id);
        }
        try (KeyValueIterator<Bytes, byte[]> all = timeline.all()) {
            int entries = 0;
            while (all.hasNext()) {
                all.next();
                entries++;
            }
            assertThat(entries).isEqualTo(count);
        }
        return ids;
    }

    private static void collect(List<TestRecord<String, DueEvent>> fires, Set<String> ids) {
        fires.forEach(f -> assertThat(ids.add(f.value().getFireId())).as("fire %s once", f.value().getFireId()).isTrue());
    }
}

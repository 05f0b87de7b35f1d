package io.punctual.planner;

import io.punctual.planner.state.ScheduleStore;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import static io.punctual.planner.PlannerHarness.START;
import static io.punctual.planner.TestCommands.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedules by status ({@code punctual_planner_schedules}) as the processor keeps them: through creates, pauses,
 * fires that complete schedules, resumes and deletes, and after a reload from punctual.schedules; always what a scan
 * of the store counts. (A restart that keeps its local copy and counts it in slices: {@code LocalCopyReloadTest}.)
 */
class ScheduleCensusTest extends PlannerTestBase {
    private static final Duration SCAN = PlannerSettings.defaults().punctuateInterval();

    @Test
    void followsCreatesPausesFiresAndDeletes() {
        PlannerHarness planner = planner();
        Instant firesAt = START.plusSeconds(60);
        for (int i = 0; i < 40; i++) {
            if (i % 2 == 0) {
                planner.send(TestCommands.createOnce(id(i), "agent-" + i, firesAt));
            } else {
                planner.send(TestCommands.createCron(id(i), "agent-" + i, "0 9 * * *", "Europe/Berlin"));
            }
        }
        assertThat(planner.census.count(ScheduleStatus.ACTIVE)).isEqualTo(40.0);
        for (int i = 0; i < 40; i += 3) {
            planner.send(TestCommands.pause(id(i), "for the census"));
        }
        for (int i = 0; i < 40; i += 5) {
            planner.send(TestCommands.delete(id(i), TENANT, null));
        }
        assertCensusIsTheStore(planner);
        planner.advanceTo(firesAt);
        // The once schedules (even ids) neither paused (multiples of 3) nor deleted (of 5) fired, and so completed.
        assertThat(planner.census.count(ScheduleStatus.COMPLETED)).isEqualTo(11.0);
        assertCensusIsTheStore(planner);
        planner.send(TestCommands.resume(id(3)));
        assertCensusIsTheStore(planner);
    }

    @Test
    void aReloadedTaskCountsWhatItReloaded() {
        PlannerHarness first = planner();
        first.send(TestCommands.createCron("s-1", "agent-1", "0 9 * * *", "Europe/Berlin"));
        first.send(TestCommands.createCron("s-2", "agent-2", "0 9 * * *", "Europe/Berlin"));
        first.send(TestCommands.pause("s-2", "paused"));
        ScheduleState active = first.scheduleStore().get("s-1");
        ScheduleState paused = first.scheduleStore().get("s-2");

        // Another instance (its own state directory) takes the task over and reloads it from punctual.schedules.
        stateDir = stateDir.resolve("elsewhere");
        PlannerHarness second = planner();
        second.published(active);
        second.published(paused);
        second.advance(SCAN);

        assertThat(second.census.count(ScheduleStatus.ACTIVE)).isEqualTo(1.0);
        assertThat(second.census.count(ScheduleStatus.PAUSED)).isEqualTo(1.0);
        assertCensusIsTheStore(second);
    }

    private static void assertCensusIsTheStore(PlannerHarness planner) {
        Map<ScheduleStatus, Double> stored = byStatus(planner.scheduleStore());
        Map<ScheduleStatus, Double> counted = new EnumMap<>(ScheduleStatus.class);
        for (ScheduleStatus status : ScheduleStatus.values()) {
            counted.put(status, planner.census.count(status));
        }
        assertThat(counted).isEqualTo(stored);
    }

    /** The stored schedules by status, counted by a scan: what a census must equal. */
    static Map<ScheduleStatus, Double> byStatus(ScheduleStore store) {
        Map<ScheduleStatus, Double> stored = new EnumMap<>(ScheduleStatus.class);
        for (ScheduleStatus status : ScheduleStatus.values()) {
            stored.put(status, 0.0);
        }
        try (KeyValueIterator<String, ScheduleState> all = store.all()) {
            all.forEachRemaining((KeyValue<String, ScheduleState> entry) -> stored.merge(entry.value.getStatus(), 1.0, Double::sum));
        }
        return stored;
    }

    private static String id(int i) {
        return String.format("s-%05d", i);
    }
}

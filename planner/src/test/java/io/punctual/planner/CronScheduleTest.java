package io.punctual.planner;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.fire.FireIds;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

class CronScheduleTest extends PlannerTestBase {

    @Test
    void everyFiveMinutesInUtcFiresAtEachBoundary() {
        PlannerHarness planner = planner();
        Instant first = Instant.parse("2025-03-03T08:00:00Z");

        CommandResult created = planner.send(TestCommands.createCron("s-cron", "agent-c", "*/5 * * * *", "UTC"));
        assertThat(created.getAccepted()).isTrue();
        assertThat(created.getState().getNextFireAt()).isEqualTo(first);

        assertThat(planner.advanceTo(first.minusMillis(100))).isEmpty();

        List<String> fireIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instant boundary = first.plus(Duration.ofMinutes(5L * i));
            if (i > 0) {
                assertThat(planner.advanceTo(boundary.minusMillis(100))).isEmpty();
            }
            List<TestRecord<String, DueEvent>> fires = planner.advanceTo(boundary);
            assertThat(fires).hasSize(1);
            DueEvent event = fires.get(0).value();
            assertThat(fires.get(0).key()).isEqualTo("agent-c");
            assertThat(event.getScheduledFor()).isEqualTo(boundary);
            assertThat(event.getFireId()).isEqualTo("s-cron@" + boundary.toEpochMilli());
            assertThat(event.getCadenceType()).isEqualTo("cron");
            fireIds.add(event.getFireId());

            ScheduleState state = planner.scheduleStore().get("s-cron");
            assertThat(state.getStatus()).isEqualTo(ScheduleStatus.ACTIVE);
            assertThat(state.getNextFireAt()).isEqualTo(boundary.plus(Duration.ofMinutes(5)));
            assertThat(state.getLastFireAt()).isEqualTo(boundary);
            assertThat(state.getLastFireId()).isEqualTo(event.getFireId());
            assertThat(state.getFireCount()).isEqualTo(i + 1);
            assertThat(state.getVersion()).isEqualTo(1L);
        }
        assertThat(fireIds).doesNotHaveDuplicates().hasSize(4);
        assertThat(planner.timeline()).hasSize(1);
    }

    @Test
    void weekdayMorningsInBerlinFollowTheZoneAndItsSummerTime() {
        // Friday 2025-03-28 08:30 in Berlin (UTC+1); Berlin moves to summer time (UTC+2) on Sunday the 30th.
        Instant start = Instant.parse("2025-03-28T07:30:00Z");
        PlannerHarness planner = planner(s -> s, start);
        Instant friday = Instant.parse("2025-03-28T08:00:00Z");
        Instant monday = Instant.parse("2025-03-31T07:00:00Z");
        Instant tuesday = Instant.parse("2025-04-01T07:00:00Z");

        CommandResult created = planner.send(TestCommands.createCron("s-berlin", "agent-b", "0 9 * * 1-5", "Europe/Berlin"));
        assertThat(created.getAccepted()).isTrue();
        assertThat(created.getState().getNextFireAt()).isEqualTo(friday);

        assertThat(planner.advanceTo(friday).stream().map(f -> f.value().getScheduledFor())).containsExactly(friday);
        assertThat(planner.scheduleStore().get("s-berlin").getNextFireAt()).as("skips the weekend").isEqualTo(monday);

        assertThat(planner.advanceTo(monday.minusSeconds(60))).isEmpty();
        List<TestRecord<String, DueEvent>> mondayFires = planner.advanceTo(monday);
        assertThat(mondayFires).extracting(f -> f.value().getFireId()).containsExactly(FireIds.of("s-berlin", monday));
        assertThat(planner.scheduleStore().get("s-berlin").getNextFireAt()).isEqualTo(tuesday);

        assertThat(planner.advanceTo(tuesday).stream().map(f -> f.value().getScheduledFor())).containsExactly(tuesday);
    }

    @Test
    void afterAnOutageTheMissedBoundariesAreSkippedAndCountedByDefault() {
        PlannerHarness planner = planner();
        Instant first = Instant.parse("2025-03-03T08:00:00Z");
        planner.send(TestCommands.createCron("s-behind", "agent-d", "*/5 * * * *", "UTC"));

        // The clock jumps 17 minutes past the first boundary, as after an outage: 08:00..08:15 were missed.
        assertThat(planner.advanceTo(first.plus(Duration.ofMinutes(17)))).isEmpty();
        ScheduleState state = planner.scheduleStore().get("s-behind");
        assertThat(state.getNextFireAt()).isEqualTo(Instant.parse("2025-03-03T08:20:00Z"));
        assertThat(state.getMissedCount()).isEqualTo(4);
        assertThat(state.getFireCount()).isZero();
        assertThat(planner.advanceTo(Instant.parse("2025-03-03T08:20:00Z"))).hasSize(1);
    }
}

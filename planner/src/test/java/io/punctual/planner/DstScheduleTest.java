package io.punctual.planner;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleSpec;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DST rule through the planner: a local time that does not exist fires at the end of the gap, one that
 * exists twice fires once, at its first occurrence. The clock moves in 20-minute steps.
 */
class DstScheduleTest extends PlannerTestBase {
    private static final Duration STEP = Duration.ofMinutes(20);

    private List<Instant> firesBetween(String expression, String zone, Instant start, Instant end) {
        // Steps of 10 minutes keep the test fast; the threshold keeps such a step from counting as an outage.
        PlannerHarness planner = planner(s -> s.withMisfireThreshold(Duration.ofHours(1)), start);
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-dst", new CronCadence(expression, zone));
        assertThat(planner.send(TestCommands.create("s-dst", spec)).getAccepted()).isTrue();
        List<Instant> fires = new ArrayList<>();
        while (planner.now().isBefore(end)) {
            for (TestRecord<String, DueEvent> fire : planner.advance(STEP)) {
                assertThat(fire.value().getEmittedAt()).as("emitted on time").isBefore(fire.value().getScheduledFor().plus(STEP).plusMillis(1));
                fires.add(fire.value().getScheduledFor());
            }
        }
        assertThat(planner.scheduleStore().get("s-dst").getMissedCount()).isZero();
        return fires;
    }

    @Test
    void newYorkSpringForwardFiresTwoThirtyAtThreeEdt() {
        assertThat(firesBetween("30 2 * * *", "America/New_York", Instant.parse("2025-03-08T05:00:00Z"), Instant.parse("2025-03-10T08:00:00Z")))
                .containsExactly(Instant.parse("2025-03-08T07:30:00Z"), Instant.parse("2025-03-09T07:00:00Z"), Instant.parse("2025-03-10T06:30:00Z"));
    }

    @Test
    void newYorkFallBackFiresOneThirtyOnceAtItsFirstOccurrence() {
        assertThat(firesBetween("30 1 * * *", "America/New_York", Instant.parse("2025-11-01T04:00:00Z"), Instant.parse("2025-11-03T08:00:00Z")))
                .containsExactly(Instant.parse("2025-11-01T05:30:00Z"), Instant.parse("2025-11-02T05:30:00Z"), Instant.parse("2025-11-03T06:30:00Z"));
    }

    @Test
    void berlinSpringForwardFiresTwoThirtyAtThreeCest() {
        assertThat(firesBetween("30 2 * * *", "Europe/Berlin", Instant.parse("2025-03-29T00:00:00Z"), Instant.parse("2025-03-31T02:00:00Z")))
                .containsExactly(Instant.parse("2025-03-29T01:30:00Z"), Instant.parse("2025-03-30T01:00:00Z"), Instant.parse("2025-03-31T00:30:00Z"));
    }

    @Test
    void berlinFallBackFiresEveryQuarterHourOfTheRepeatedHourOnce() {
        // 2025-10-26 03:00 CEST becomes 02:00 CET at 01:00Z: 02:00..02:45 local exist twice.
        List<Instant> fires = firesBetween("*/15 2 * * *", "Europe/Berlin", Instant.parse("2025-10-25T23:50:00Z"), Instant.parse("2025-10-26T02:10:00Z"));
        assertThat(fires).containsExactly(Instant.parse("2025-10-26T00:00:00Z"), Instant.parse("2025-10-26T00:15:00Z"),
                Instant.parse("2025-10-26T00:30:00Z"), Instant.parse("2025-10-26T00:45:00Z"));
    }
}

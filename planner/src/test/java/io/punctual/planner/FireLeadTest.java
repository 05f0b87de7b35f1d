package io.punctual.planner;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a fire lead, fires and retries are emitted up to the lead before they are due, carrying their due time as
 * {@code deliver_at} for the executor to hold them until; a fire emitted late carries none.
 */
class FireLeadTest extends PlannerTestBase {
    private static final Duration LEAD = Duration.ofMillis(500);

    private PlannerHarness plannerWithLead() {
        return planner(s -> s.withFireLead(LEAD), START);
    }

    @Test
    void aFireIsEmittedTheLeadBeforeItsTimeWithItsTimeToDeliverAt() {
        PlannerHarness planner = plannerWithLead();
        Instant at = START.plusSeconds(10);
        planner.send(TestCommands.createOnce("s-lead", "agent-1", at));

        // Punctuations every 100 ms: the one 600 ms before is still outside the lead, the one 500 ms before is not.
        assertThat(planner.advanceTo(at.minusMillis(600))).isEmpty();
        List<TestRecord<String, DueEvent>> fires = planner.advance(Duration.ofMillis(100));

        assertThat(fires).singleElement().satisfies(fire -> {
            assertThat(fire.value().getScheduledFor()).isEqualTo(at);
            assertThat(fire.value().getDeliverAt()).isEqualTo(at);
            assertThat(fire.value().getEmittedAt()).isEqualTo(at.minus(LEAD));
        });
        ScheduleState after = planner.scheduleStore().get("s-lead");
        assertThat(after.getStatus()).as("the schedule moves on when its fire is emitted").isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(after.getLastFireAt()).isEqualTo(at);
        assertThat(after.getLastLatenessMs()).isZero();
        assertThat(planner.advance(Duration.ofSeconds(5))).as("emitted once").isEmpty();
    }

    @Test
    void aJitteredFireDeliversAtItsJitteredTime() {
        // A punctuation every millisecond, so the test can look at the millisecond before the lead.
        PlannerHarness planner = planner(s -> s.withFireLead(LEAD).withPunctuateInterval(Duration.ofMillis(1)), START);
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-j", new IntervalCadence(60_000L, null));
        spec.setJitterMs(20_000L);
        planner.send(TestCommands.create("s-jit", spec));
        for (int i = 0; i < 5; i++) {
            Instant dueAt = planner.timeline().get(0).key;
            assertThat(planner.advanceTo(dueAt.minus(LEAD).minusMillis(1))).isEmpty();
            List<TestRecord<String, DueEvent>> fires = planner.advanceTo(dueAt.minus(LEAD));
            assertThat(fires).singleElement().satisfies(fire -> {
                assertThat(fire.value().getDeliverAt()).isEqualTo(dueAt);
                assertThat(fire.value().getEmittedAt()).isEqualTo(dueAt.minus(LEAD));
            });
        }
    }

    @Test
    void aRetryIsEmittedTheLeadBeforeItsTime() {
        PlannerHarness planner = plannerWithLead();
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-r", new CronCadence("* * * * *", "UTC"));
        planner.send(TestCommands.create("s-retry", spec));
        DueEvent first = planner.advanceTo(planner.scheduleStore().get("s-retry").getNextFireAt()).get(0).value();
        Instant retryAt = planner.now().plusSeconds(7);

        planner.sendResult(TestResults.retrying(first, retryAt, planner.now()));

        assertThat(planner.advanceTo(retryAt.minus(LEAD).minusMillis(100))).isEmpty();
        assertThat(planner.advanceTo(retryAt.minus(LEAD))).singleElement().satisfies(retry -> {
            assertThat(retry.value().getFireId()).isEqualTo(first.getFireId());
            assertThat(retry.value().getAttempt()).isEqualTo(2);
            assertThat(retry.value().getDeliverAt()).isEqualTo(retryAt);
        });
    }

    @Test
    void aFireEmittedLateOrByATriggerGoesAtOnce() {
        PlannerHarness planner = plannerWithLead();
        // Just past, within the one-time grace: due already when the planner first sees it.
        planner.send(TestCommands.createOnce("s-late", "agent-1", START.minusSeconds(5)));
        assertThat(planner.advance(Duration.ofMillis(100))).singleElement()
                .satisfies(fire -> assertThat(fire.value().getDeliverAt()).isNull());

        planner.send(TestCommands.createOnce("s-manual", "agent-2", START.plusSeconds(3600)));
        planner.send(TestCommands.trigger("s-manual"));
        assertThat(planner.due.readRecordsToList()).singleElement().satisfies(fire -> {
            assertThat(fire.value().getManual()).isTrue();
            assertThat(fire.value().getDeliverAt()).isNull();
        });
    }
}

package io.punctual.planner;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.ScheduleState;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** 100,000 schedules due at the same second: every fire goes out, none twice, in bounded punctuations. */
class MassFireTest extends PlannerTestBase {
    private static final int SCHEDULES = 100_000;
    private static final int MAX_FIRES = 25_000;

    @Test
    void everyOneOfAHundredThousandSimultaneousFiresIsEmittedOnce() {
        PlannerHarness planner = planner(s -> s.withMaxFiresPerPunctuation(MAX_FIRES), PlannerHarness.START);
        Instant at = PlannerHarness.START.plusSeconds(60);
        // Piping 100,000 commands through the test driver commits and checkpoints after each one (minutes); the
        // first schedule is created by a command, the rest are its copies written straight into the planner's stores,
        // which is where 100,000 applied creates would have left them.
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-0", new OnceCadence(at));
        assertThat(planner.send(TestCommands.create("s-0", spec)).getAccepted()).isTrue();
        ScheduleState template = planner.scheduleStore().get("s-0");
        KeyValueStore<Bytes, byte[]> timeline = planner.driver.getKeyValueStore(PlannerTopology.TIMELINE_STORE);
        for (int i = 1; i < SCHEDULES; i++) {
            String id = "s-" + i;
            ScheduleState copy = ScheduleState.newBuilder(template).setScheduleId(id).build();
            planner.scheduleStore().put(copy);
            timeline.put(new TimelineKey(at, id).toBytes(), new byte[0]);
        }
        assertThat(planner.timeline()).hasSize(SCHEDULES);

        Set<String> fireIds = new HashSet<>();
        int punctuations = 0;
        List<Integer> perPunctuation = new ArrayList<>();
        planner.advanceTo(at.minusMillis(100));
        while (fireIds.size() < SCHEDULES && punctuations < 10) {
            int before = fireIds.size();
            for (var fire : planner.advance(Duration.ofMillis(100))) {
                DueEvent event = fire.value();
                assertThat(fireIds.add(event.getFireId())).as("fire %s emitted once", event.getFireId()).isTrue();
                assertThat(event.getScheduledFor()).isEqualTo(at);
            }
            perPunctuation.add(fireIds.size() - before);
            punctuations++;
        }
        assertThat(fireIds).hasSize(SCHEDULES);
        assertThat(perPunctuation).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(MAX_FIRES));
        assertThat(planner.advance(Duration.ofSeconds(5))).as("nothing left, nothing twice").isEmpty();
        assertThat(planner.timeline()).isEmpty();
    }
}

package io.punctual.planner;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

class FireBudgetTest extends PlannerTestBase {

    @Test
    void aBurstOfDueFiresIsSpreadOverPunctuationsWithoutLossOrRepeat() {
        PlannerHarness planner = planner(s -> s.withMaxFiresPerPunctuation(10), START);
        Instant at = START.plusSeconds(1);
        List<String> ids = IntStream.range(0, 25).mapToObj(i -> String.format("s-burst-%02d", i)).toList();
        ids.forEach(id -> planner.send(TestCommands.createOnce(id, "agent-" + id, at)));

        List<String> fired = new ArrayList<>();
        List<Integer> perPunctuation = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<TestRecord<String, DueEvent>> fires = i == 0 ? planner.advanceTo(at) : planner.advance(Duration.ofMillis(100));
            perPunctuation.add(fires.size());
            fires.forEach(f -> fired.add(f.value().getScheduleId()));
        }

        assertThat(perPunctuation).containsExactly(10, 10, 5, 0);
        assertThat(fired).doesNotHaveDuplicates().containsExactlyElementsOf(ids);
        ids.forEach(id -> assertThat(planner.scheduleStore().get(id).getStatus()).isEqualTo(ScheduleStatus.COMPLETED));
        assertThat(planner.timeline()).isEmpty();
    }
}

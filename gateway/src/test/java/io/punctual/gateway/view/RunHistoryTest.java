package io.punctual.gateway.view;

import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.punctual.gateway.view.ViewFixtures.RESULTS;
import static io.punctual.gateway.view.ViewFixtures.SCHEDULES;
import static io.punctual.gateway.view.ViewFixtures.record;
import static io.punctual.gateway.view.ViewFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The run history on disk: newest-first cursor pages, retention by age and by count (fixed clock), deletion. */
class RunHistoryTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;
    private ViewStore store;
    private RunView runs;
    private ScheduleView schedules;

    @BeforeEach
    void open() {
        store = new ViewStore(dir);
        runs = new RunView(store, RESULTS, ViewFixtures.results(), Duration.ofDays(30), 3);
        schedules = ViewFixtures.scheduleView(store, gone -> runs.removeSchedule(gone.scheduleId(), gone.tenant()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void add(ExecutionResult... results) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (ExecutionResult r : results) {
            records.add(record(RESULTS, r.getScheduleId(), r));
        }
        runs.applyRecords(records, ViewFixtures.position(RESULTS));
    }

    @Test
    void pagesNewestFirstWithACursor() {
        for (int i = 0; i < 5; i++) {
            add(run("sch_a", "t1", NOW.minusSeconds(60L * i), 1));
        }
        add(run("sch_a", "t1", NOW, 2));
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            RunView.Page page = runs.page("sch_a", "t1", after, 2);
            page.items().forEach(r -> seen.add(r.getScheduledFor() + "#" + r.getAttempt()));
            after = page.after();
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly(NOW + "#2", NOW + "#1", NOW.minusSeconds(60) + "#1", NOW.minusSeconds(120) + "#1",
                NOW.minusSeconds(180) + "#1", NOW.minusSeconds(240) + "#1");
        assertThat(runs.page("sch_a", "t2", null, 10).items()).as("another tenant sees none").isEmpty();
        assertThat(runs.attemptsOf(run("sch_a", "t1", NOW, 1).getFireId(), "t1")).extracting(ExecutionResult::getAttempt).containsExactly(2, 1);
    }

    @Test
    void sweepKeepsTheNewestRunsPerScheduleUpToTheCount() {
        for (int i = 0; i < 5; i++) {
            add(run("sch_b", "t1", NOW.minusSeconds(60L * i), 1));
        }
        add(run("sch_c", "t1", NOW, 1));
        assertThat(runs.sweep(NOW)).isEqualTo(2);
        assertThat(runs.runsOf("sch_b", "t1")).extracting(ExecutionResult::getScheduledFor)
                .containsExactly(NOW, NOW.minusSeconds(60), NOW.minusSeconds(120));
        assertThat(runs.runsOf("sch_c", "t1")).hasSize(1);
    }

    @Test
    void sweepRemovesRunsOlderThanTheAgeLimitAndForgetsSchedulesLeftWithoutRuns() {
        add(run("sch_d", "t1", NOW.minus(Duration.ofDays(10)), 1), run("sch_d", "t1", NOW.minus(Duration.ofDays(31)), 1),
                run("sch_e", "t1", NOW.minus(Duration.ofDays(40)), 1));
        assertThat(runs.latestOfEachSchedule("t1", r -> true)).extracting(ExecutionResult::getScheduleId).containsExactlyInAnyOrder("sch_d", "sch_e");
        assertThat(runs.sweep(NOW)).isEqualTo(2);
        assertThat(runs.runsOf("sch_d", "t1")).extracting(ExecutionResult::getScheduledFor).containsExactly(NOW.minus(Duration.ofDays(10)));
        assertThat(runs.runsOf("sch_e", "t1")).isEmpty();
        assertThat(runs.tenantOf("sch_e")).isEmpty();
        assertThat(runs.latestOfEachSchedule("t1", r -> true)).extracting(ExecutionResult::getScheduleId).containsExactly("sch_d");
        assertThat(runs.sweep(NOW.plus(Duration.ofDays(21)))).as("ten days later the last one ages out").isEqualTo(1);
        assertThat(runs.latestOfEachSchedule("t1", r -> true)).isEmpty();
    }

    @Test
    void deletingALiveScheduleRemovesItsRunsButACompletedOneKeepsThem() {
        ScheduleState live = ViewFixtures.schedule("sch_f", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of());
        ScheduleState done = ViewFixtures.schedule("sch_g", "t1", "agent-1", false, ScheduleStatus.COMPLETED, 2, Map.of());
        schedules.applyRecords(List.of(record(SCHEDULES, "sch_f", live), record(SCHEDULES, "sch_g", done)), ViewFixtures.position(SCHEDULES));
        add(run("sch_f", "t1", NOW, 1), run("sch_g", "t1", NOW, 1));
        schedules.applyRecords(List.of(record(SCHEDULES, "sch_f", null), record(SCHEDULES, "sch_g", null)), ViewFixtures.position(SCHEDULES));
        assertThat(schedules.get("sch_f")).isEmpty();
        assertThat(schedules.get("sch_g")).isEmpty();
        assertThat(runs.runsOf("sch_f", "t1")).as("runs of a deleted schedule").isEmpty();
        assertThat(runs.latestOfEachSchedule("t1", r -> true)).extracting(ExecutionResult::getScheduleId).as("results outlive a completed schedule").containsExactly("sch_g");
    }

    @Test
    void aUseAfterCloseFailsCleanlyInsteadOfTouchingFreedNativeMemory() {
        store.close();
        Assertions.assertThatThrownBy(() -> runs.page("sch_a", "t1", null, 10))
                .isInstanceOf(IllegalStateException.class);
        open();
    }

    @Test
    void theHistoryAndItsOffsetsSurviveAReopen() {
        add(run("sch_h", "t1", NOW, 1));
        var offsets = ViewFixtures.position(RESULTS);
        store.close();
        open();
        assertThat(store.offsets(RESULTS)).isEqualTo(offsets);
        assertThat(runs.runsOf("sch_h", "t1")).hasSize(1);
    }
}

package io.punctual.gateway.view;

import io.punctual.gateway.command.ShownWrites;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.punctual.gateway.view.ViewFixtures.SCHEDULES;
import static io.punctual.gateway.view.ViewFixtures.record;
import static io.punctual.gateway.view.ViewFixtures.schedule;
import static org.assertj.core.api.Assertions.assertThat;

/** A write waits until the topic itself shows its state (or something newer), whichever came first of record and result. */
class ShownWritesTest {
    @RegisterExtension
    final OpenScheduleView open = new OpenScheduleView();

    private void publish(String id, ScheduleState state) {
        open.view().applyRecords(List.of(record(SCHEDULES, id, state)), ViewFixtures.position(SCHEDULES));
    }

    private static ScheduleState state(ScheduleStatus status, long version) {
        return schedule("sch_w", "t1", "agent-1", true, status, version, Map.of());
    }

    @Test
    void theResultFirstWaitsForTheRecord() {
        ShownWrites.Watch watch = open.view().watch("sch_w");
        CompletableFuture<Void> shown = watch.until(state(ScheduleStatus.ACTIVE, 2));
        publish("sch_w", state(ScheduleStatus.ACTIVE, 1));
        assertThat(shown).as("an older state is not the write's").isNotDone();
        publish("sch_other", schedule("sch_other", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 2, Map.of()));
        assertThat(shown).as("another schedule's state").isNotDone();
        publish("sch_w", state(ScheduleStatus.ACTIVE, 2));
        assertThat(shown).isDone();
        assertThat(open.view().get("sch_w")).get().extracting(ScheduleState::getVersion).as("shown by the view once answered").isEqualTo(2L);
    }

    @Test
    void theRecordFirstAnswersTheResultAtOnce() {
        ShownWrites.Watch watch = open.view().watch("sch_w");
        publish("sch_w", state(ScheduleStatus.PAUSED, 3));
        assertThat(watch.until(state(ScheduleStatus.PAUSED, 3))).isDone();
    }

    @Test
    void onlyWhatTheTopicShowsAfterTheWatchBeganCounts() {
        publish("sch_w", state(ScheduleStatus.ACTIVE, 2));
        ShownWrites.Watch watch = open.view().watch("sch_w");
        CompletableFuture<Void> shown = watch.until(state(ScheduleStatus.ACTIVE, 2));
        // The view holds that version already, but this write's own record has not come: every accepted command writes one.
        assertThat(shown).isNotDone();
        publish("sch_w", state(ScheduleStatus.ACTIVE, 3));
        assertThat(shown).as("a newer state shows the write too").isDone();
    }

    @Test
    void aDeletionIsShownByItsTombstone() {
        publish("sch_w", state(ScheduleStatus.ACTIVE, 1));
        ShownWrites.Watch watch = open.view().watch("sch_w");
        CompletableFuture<Void> shown = watch.until(state(ScheduleStatus.DELETED, 2));
        publish("sch_w", state(ScheduleStatus.ACTIVE, 1));
        assertThat(shown).isNotDone();
        publish("sch_w", null);
        assertThat(shown).isDone();
    }

    @Test
    void aLaterChangeOrDeletionDoesNotHideTheWritesOwnRecord() {
        ShownWrites.Watch watch = open.view().watch("sch_w");
        publish("sch_w", state(ScheduleStatus.ACTIVE, 1));
        publish("sch_w", null);
        // Another writer deleted the schedule before this replica read the create's result: the create still answers.
        assertThat(watch.until(state(ScheduleStatus.ACTIVE, 1))).isDone();
    }

    @Test
    void aClosedWatchIsForgotten() {
        ShownWrites.Watch watch = open.view().watch("sch_w");
        CompletableFuture<Void> shown = watch.until(state(ScheduleStatus.ACTIVE, 1));
        watch.close();
        publish("sch_w", state(ScheduleStatus.ACTIVE, 1));
        assertThat(shown).isNotDone();
    }
}

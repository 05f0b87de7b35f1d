package io.punctual.planner;

import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.quota.LiveCounts;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static io.punctual.planner.PlannerHarness.START;
import static io.punctual.planner.TestCommands.OTHER_TENANT;
import static io.punctual.planner.TestCommands.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** The planner counts each tenant's active and paused schedules and refuses what would go over the limit. */
class QuotaTest extends PlannerTestBase {

    @Test
    void onlyActiveAndPausedSchedulesCountAndACreateOverTheLimitIsRefused() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(2), START);
        assertThat(planner.send(TestCommands.createCron("q-1", "agent-1", "0 9 * * *", "UTC")).getAccepted()).isTrue();
        assertThat(planner.send(TestCommands.createPaused("q-2", cron(TENANT), "later")).getAccepted()).isTrue();
        assertThat(counts(planner).get(TENANT)).isEqualTo(2L);

        CommandResult refused = planner.send(TestCommands.createCron("q-3", "agent-1", "0 9 * * *", "UTC"));
        assertThat(refused.getAccepted()).isFalse();
        assertThat(refused.getReason()).isEqualTo("quota_exceeded");
        assertThat(refused.getMessage()).contains("max_schedules").contains("2");
        assertThat(planner.scheduleStore().get("q-3")).isNull();
        // Another tenant has its own count.
        assertThat(planner.send(TestCommands.create("q-other", cron(OTHER_TENANT))).getAccepted()).isTrue();

        assertThat(planner.send(TestCommands.delete("q-1", TENANT, null)).getAccepted()).isTrue();
        assertThat(counts(planner).get(TENANT)).isEqualTo(1L);
        // A once schedule counts while it can fire, and no more once it fired (completed).
        assertThat(planner.send(TestCommands.createOnce("q-once", "agent-1", START.plusSeconds(10))).getAccepted()).isTrue();
        assertThat(planner.send(TestCommands.createCron("q-4", "agent-1", "0 9 * * *", "UTC")).getReason()).isEqualTo("quota_exceeded");
        planner.advanceTo(START.plusSeconds(10));
        assertThat(counts(planner).get(TENANT)).isEqualTo(1L);
        assertThat(planner.send(TestCommands.createCron("q-4", "agent-1", "0 9 * * *", "UTC")).getAccepted()).isTrue();
        assertThat(counts(planner).get(TENANT)).isEqualTo(2L);
        assertThat(counts(planner).get(OTHER_TENANT)).isEqualTo(1L);
    }

    @Test
    void aPatchThatLetsACompletedScheduleFireAgainNeedsAPlaceToo() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(1), START);
        ScheduleSpec once = ScheduleSpec.newBuilder(cron(TENANT)).setCadence(new OnceCadence(START.plusSeconds(10))).build();
        planner.send(TestCommands.create("q-done", once));
        planner.advanceTo(START.plusSeconds(10));
        assertThat(planner.send(TestCommands.createCron("q-live", "agent-1", "0 9 * * *", "UTC")).getAccepted()).isTrue();

        CommandResult refused = planner.send(TestCommands.patch("q-done", null,
                PatchSchedule.newBuilder().setCadence(new CronCadence("0 10 * * *", "UTC")).build()));
        assertThat(refused.getReason()).isEqualTo("quota_exceeded");

        planner.send(TestCommands.delete("q-live", TENANT, null));
        CommandResult revived = planner.send(TestCommands.patch("q-done", null,
                PatchSchedule.newBuilder().setCadence(new CronCadence("0 10 * * *", "UTC")).build()));
        assertThat(revived.getAccepted()).isTrue();
        assertThat(counts(planner).get(TENANT)).isEqualTo(1L);
    }

    @Test
    void anAdmittedCreateThatIsThenRefusedGivesItsPlaceBack() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(5), START);
        planner.send(TestCommands.createCron("q-dup", "agent-1", "0 9 * * *", "UTC"));
        // Two creates of one id racing both ask the quota before either is applied; the second one asks here.
        ScheduleCommand second = TestCommands.createCron("q-dup", "agent-1", "0 9 * * *", "UTC");
        TestInputTopic<String, QuotaEvent> quota = planner.driver.createInputTopic(Topics.QUOTA.name(), new StringSerializer(),
                planner.serdes.valueSerde(Topics.QUOTA).serializer());
        quota.pipeInput(TENANT, LiveCounts.request(second, planner.encode(second)));

        // Admitted by the quota (count 2), then refused by the planner as the id exists: the place is given back.
        CommandResult refused = planner.results.readValue();
        assertThat(refused.getCommandId()).isEqualTo(second.getCommandId());
        assertThat(refused.getReason()).isEqualTo("already_exists");
        assertThat(counts(planner).get(TENANT)).isEqualTo(1L);
    }

    @Test
    void schedulesStoredBeforeTheQuotaExistedAreCountedAndDatedOnce() {
        PlannerHarness planner = planner(UnaryOperator.identity(), LifecycleSettings.defaults().withMaxSchedulesPerTenant(3), START);
        // What a planner of the previous version left: no counts, completed schedules without a date.
        planner.published(stored("old-1", ScheduleStatus.ACTIVE));
        planner.published(stored("old-2", ScheduleStatus.PAUSED));
        planner.published(stored("old-done", ScheduleStatus.COMPLETED));

        assertThat(planner.send(TestCommands.createCron("q-new", "agent-1", "0 9 * * *", "UTC")).getAccepted()).isTrue();
        assertThat(counts(planner).get(TENANT)).isEqualTo(3L);
        assertThat(planner.send(TestCommands.createCron("q-more", "agent-1", "0 9 * * *", "UTC")).getReason()).isEqualTo("quota_exceeded");
        assertThat(planner.scheduleStore().get("old-done").getCompletedAt()).isEqualTo(START);

        planner.advanceTo(START.plus(LifecycleSettings.DEFAULT_COMPLETED_RETENTION));
        assertThat(planner.scheduleStore().get("old-done")).isNull();
        assertThat(counts(planner).get(TENANT)).as("counted once, not again at the punctuation").isEqualTo(3L);
    }

    private static ScheduleState stored(String id, ScheduleStatus status) {
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(cron(TENANT)).setStatus(status).setVersion(1)
                .setCreatedAt(START.minusSeconds(3600)).setUpdatedAt(START.minusSeconds(3600)).build();
    }

    private static ScheduleSpec cron(String tenant) {
        return TestCommands.spec(tenant, "agent-1", new CronCadence("0 9 * * *", "UTC"));
    }

    private static KeyValueStore<String, Long> counts(PlannerHarness planner) {
        return planner.driver.getKeyValueStore(PlannerTopology.TENANT_COUNTS_STORE);
    }
}

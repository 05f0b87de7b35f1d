package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.punctual.gateway.view.ViewFixtures.SCHEDULES;
import static io.punctual.gateway.view.ViewFixtures.record;
import static io.punctual.gateway.view.ViewFixtures.schedule;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch of {@code punctual.schedules} records leaves the view as applying them one at a time does: each record sees
 * what the batch's earlier records of its schedule wrote (state, index entries, deletion, the tenant's count), not
 * only what was stored before the batch.
 */
class ScheduleBatchTest {
    private static final List<String> IDS = List.of("sch_a", "sch_b", "sch_c");
    private static final List<String> TENANTS = List.of("t1", "t2");

    /** One record: a state (null for a tombstone) of one of a few schedules. */
    record Step(String id, ScheduleState state) {
    }

    @Property(tries = 120)
    void oneBatchEqualsOneRecordAtATime(@ForAll("histories") List<Step> before, @ForAll("histories") List<Step> batch) throws IOException {
        Path oneDir = Files.createTempDirectory("view-one");
        Path batchDir = Files.createTempDirectory("view-batch");
        try (ViewStore one = new ViewStore(oneDir); ViewStore batched = new ViewStore(batchDir)) {
            List<String> deletedOne = new ArrayList<>();
            List<String> deletedBatched = new ArrayList<>();
            ScheduleView oneView = ViewFixtures.scheduleView(one, gone -> deletedOne.add(gone.scheduleId()));
            ScheduleView batchView = ViewFixtures.scheduleView(batched, gone -> deletedBatched.add(gone.scheduleId()));
            // The same history before (so the batch also meets stored states and deletions), applied the same way.
            for (Step step : before) {
                oneView.applyRecords(List.of(recordOf(step)), ViewFixtures.position(SCHEDULES));
                batchView.applyRecords(List.of(recordOf(step)), ViewFixtures.position(SCHEDULES));
            }
            for (Step step : batch) {
                oneView.applyRecords(List.of(recordOf(step)), ViewFixtures.position(SCHEDULES));
            }
            batchView.applyRecords(batch.stream().map(ScheduleBatchTest::recordOf).toList(), ViewFixtures.position(SCHEDULES));

            for (String id : IDS) {
                assertThat(batchView.get(id)).as(id).isEqualTo(oneView.get(id));
            }
            for (String tenant : TENANTS) {
                assertThat(batchView.countOf(tenant)).as("count of " + tenant).isEqualTo(oneView.countOf(tenant));
                assertThat(listed(batchView, tenant, null)).as("listed for " + tenant).isEqualTo(listed(oneView, tenant, null));
                for (String agent : List.of("agent-1", "agent-2")) {
                    assertThat(listed(batchView, tenant, agent)).isEqualTo(listed(oneView, tenant, agent));
                }
            }
            assertThat(deletedBatched).isEqualTo(deletedOne);
        } finally {
            ViewFixtures.delete(oneDir);
            ViewFixtures.delete(batchDir);
        }
    }

    private static List<String> listed(ScheduleView view, String tenant, String agent) {
        return view.page(tenant, agent, null, 100, summary -> true).items().stream()
                .map(s -> s.getScheduleId() + ":" + s.getStatus() + ":" + s.getVersion()).toList();
    }

    private static ConsumerRecord<String, byte[]> recordOf(Step step) {
        return record(SCHEDULES, step.id(), step.state());
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> tombstones = Arbitraries.of(IDS).map(id -> new Step(id, null));
        Arbitrary<Step> states = Combinators.combine(Arbitraries.of(IDS), Arbitraries.of(TENANTS), Arbitraries.of("agent-1", "agent-2"),
                Arbitraries.of(ScheduleStatus.ACTIVE, ScheduleStatus.PAUSED, ScheduleStatus.COMPLETED, ScheduleStatus.DELETED),
                Arbitraries.longs().between(1, 4), Arbitraries.of(Map.<String, String>of(), Map.of("team", "a")))
                .as((id, tenant, agent, status, version, labels) ->
                        new Step(id, schedule(id, tenant, agent, version % 2 == 0, status, version, labels)));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, tombstones), net.jqwik.api.Tuple.of(5, states)).list().ofMaxSize(8);
    }

}

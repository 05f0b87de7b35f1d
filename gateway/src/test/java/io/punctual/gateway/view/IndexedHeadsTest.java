package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.punctual.gateway.view.ViewFixtures.SCHEDULES;
import static io.punctual.gateway.view.ViewFixtures.record;
import static io.punctual.gateway.view.ViewFixtures.schedule;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state replacing another learns what the other held (version, update time, status, index entries) from its index
 * entry, which carries it, without reading or decoding the replaced state; entries written before they carried it
 * are read whole, as before, and rewritten with it.
 */
class IndexedHeadsTest {
    private Path dir;
    private ViewStore store;
    private ScheduleView view;

    @BeforeEach
    void open() throws IOException {
        dir = Files.createTempDirectory("view-heads");
        store = new ViewStore(dir);
        view = ViewFixtures.scheduleView(store, gone -> { });
    }

    @AfterEach
    void close() {
        store.close();
        ViewFixtures.delete(dir);
    }

    @Test
    void theReplacedStateIsNeitherReadNorDecoded() throws RocksDBException {
        apply(schedule("sch_a", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of()));
        // Bytes no reader could decode in place of the stored state: applying the next one must not need them.
        store.db().put(store.schedules, Keys.of("sch_a"), new byte[]{9, 9, 9});

        ScheduleState next = schedule("sch_a", "t1", "agent-2", true, ScheduleStatus.PAUSED, 2, Map.of("team", "a"));
        apply(next);

        assertThat(view.get("sch_a")).contains(next);
        assertThat(listed("t1", "agent-1")).isEmpty();
        assertThat(listed("t1", "agent-2")).containsExactly("sch_a:PAUSED:2");
        assertThat(view.countOf("t1")).isEqualTo(1);
        // An older version arriving late is still refused: the entry's version is the one compared.
        apply(schedule("sch_a", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of()));
        assertThat(view.get("sch_a")).contains(next);
    }

    @Test
    void entriesWrittenWithoutTheHeadAreReadWholeAndRewrittenWithIt() throws RocksDBException {
        ScheduleState first = schedule("sch_a", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of("team", "a"));
        apply(first);
        // As the view stored them before: the summary alone.
        byte[] summaryOnly = ScheduleHead.of(first).summary().toBytes();
        store.db().put(store.byTenant, Keys.of("t1", "sch_a"), summaryOnly);
        store.db().put(store.byAgent, Keys.of("t1", "agent-1", "sch_a"), summaryOnly);
        assertThat(view.page("t1", null, null, 10, s -> s.labels().containsKey("team")).items()).hasSize(1);

        apply(schedule("sch_a", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 0, Map.of()));
        assertThat(view.get("sch_a")).as("an older version, judged by the state read whole").contains(first);

        ScheduleState next = schedule("sch_a", "t1", "agent-2", true, ScheduleStatus.COMPLETED, 2, Map.of());
        apply(next);
        assertThat(view.get("sch_a")).contains(next);
        assertThat(listed("t1", "agent-1")).isEmpty();
        assertThat(listed("t1", "agent-2")).containsExactly("sch_a:COMPLETED:2");
        assertThat(view.countOf("t1")).isEqualTo(1);
        byte[] entry = store.db().get(store.byTenant, Keys.of("t1", "sch_a"));
        assertThat(ScheduleSummary.hasHead(entry)).isTrue();
        assertThat(ScheduleHead.fromIndex("sch_a", "t1", entry)).isEqualTo(ScheduleHead.of(next));
    }

    @Test
    void aScheduleUnderAnotherTenantIsReadWhole() {
        apply(schedule("sch_a", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of()));
        apply(schedule("sch_a", "t2", "agent-1", true, ScheduleStatus.ACTIVE, 2, Map.of()));

        // (A schedule never changes tenant through the planner; the view only must not leave the old entries behind.)
        assertThat(listed("t1", null)).isEmpty();
        assertThat(listed("t1", "agent-1")).isEmpty();
        assertThat(listed("t2", null)).containsExactly("sch_a:ACTIVE:2");
    }

    @Test
    void aSummaryReadsTheSameWithOrWithoutTheHead() {
        ScheduleSummary summary = new ScheduleSummary("paused", "cron", "agent-1", Map.of("team", "a", "tier", "gold"));
        assertThat(ScheduleSummary.fromBytes(summary.toBytes())).isEqualTo(summary);
        assertThat(ScheduleSummary.fromBytes(summary.toIndexBytes(7, 1_700_000_000_123L))).isEqualTo(summary);
        assertThat(ScheduleSummary.hasHead(summary.toBytes())).isFalse();
        assertThat(ScheduleSummary.versionOf(summary.toIndexBytes(7, 1_700_000_000_123L))).isEqualTo(7);
        assertThat(ScheduleSummary.updatedAtOf(summary.toIndexBytes(7, 1_700_000_000_123L))).isEqualTo(1_700_000_000_123L);
    }

    private void apply(ScheduleState state) {
        view.applyRecords(List.of(record(SCHEDULES, state.getScheduleId(), state)), ViewFixtures.position(SCHEDULES));
    }

    private List<String> listed(String tenant, String agent) {
        return view.page(tenant, agent, null, 100, summary -> true).items().stream()
                .map(s -> s.getScheduleId() + ":" + s.getStatus() + ":" + s.getVersion()).toList();
    }
}

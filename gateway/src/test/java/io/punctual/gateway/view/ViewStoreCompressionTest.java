package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.TableProperties;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.punctual.gateway.view.ViewFixtures.SCHEDULES;
import static io.punctual.gateway.view.ViewFixtures.record;
import static io.punctual.gateway.view.ViewFixtures.schedule;
import static org.assertj.core.api.Assertions.assertThat;

/** The views' files are LZ4-compressed, and a store an earlier version wrote with Snappy opens and reads as before. */
class ViewStoreCompressionTest {
    private Path dir;

    @AfterEach
    void delete() {
        ViewFixtures.delete(dir);
    }

    @Test
    void filesWrittenWithSnappyStayReadableAndNewFilesAreLz4() throws IOException, RocksDBException {
        dir = Files.createTempDirectory("view-compression");
        ScheduleState before = schedule("sch_a", "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of("team", "a"));
        try (ViewStore earlier = new ViewStore(dir, CompressionType.SNAPPY_COMPRESSION)) {
            apply(ViewFixtures.scheduleView(earlier, gone -> { }), before);
        } // closing flushes: the state is in a Snappy file now
        try (ViewStore store = new ViewStore(dir)) {
            assertThat(compressions(store)).containsExactly("Snappy");
            ScheduleView view = ViewFixtures.scheduleView(store, gone -> { });
            assertThat(view.get("sch_a")).contains(before);

            ScheduleState after = schedule("sch_b", "t1", "agent-2", true, ScheduleStatus.PAUSED, 1, Map.of());
            apply(view, after);
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                store.db().flush(flush, store.schedules);
            }
            assertThat(compressions(store)).containsExactlyInAnyOrder("Snappy", "LZ4");
            assertThat(view.get("sch_a")).contains(before);
            assertThat(view.get("sch_b")).contains(after);
            assertThat(view.page("t1", null, null, 10, s -> true).items()).hasSize(2);
        }
    }

    /** The compression of each file of the schedules column family, by RocksDB's table properties. */
    private static List<String> compressions(ViewStore store) throws RocksDBException {
        return store.db().getPropertiesOfAllTables(store.schedules).values().stream().map(TableProperties::getCompressionName).toList();
    }

    private static void apply(ScheduleView view, ScheduleState state) {
        view.applyRecords(List.of(record(SCHEDULES, state.getScheduleId(), state)), ViewFixtures.position(SCHEDULES));
    }
}

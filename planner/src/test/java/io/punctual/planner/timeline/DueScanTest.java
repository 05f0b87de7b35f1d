package io.punctual.planner.timeline;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scan from the floor finds exactly what a scan from the first possible key finds, whatever was added, removed or
 * handled between scans, and whichever way the clock moved: the floor only saves stepping over deleted keys.
 */
class DueScanTest {

    /** One step: add an entry at a time, remove a present entry, or scan at a time and handle (delete) some of what was found. */
    record Step(int kind, long millis, int pick, int limit, int handled) {
    }

    @Property(tries = 300)
    void findsWhatAFullScanFinds(@ForAll("steps") List<Step> steps) {
        KeyValueStore<Bytes, byte[]> store = store();
        DueScan scan = new DueScan(store);
        TreeSet<Bytes> model = new TreeSet<>();
        int ids = 0;
        for (Step step : steps) {
            switch (step.kind()) {
                case 0 -> {
                    Bytes key = new TimelineKey(Instant.ofEpochMilli(step.millis()), "s" + ids++).toBytes();
                    store.put(key, new byte[0]);
                    scan.added(key);
                    model.add(key);
                }
                case 1 -> {
                    if (!model.isEmpty()) {
                        Bytes key = new ArrayList<>(model).get(step.pick() % model.size());
                        store.delete(key);
                        model.remove(key);
                    }
                }
                default -> {
                    Instant now = Instant.ofEpochMilli(step.millis());
                    List<Bytes> found = scan.due(now, step.limit(), (key, value) -> key);
                    List<Bytes> expected = model.headSet(TimelineKey.endOfMillisecond(now), true).stream().limit(step.limit()).toList();
                    assertThat(found).isEqualTo(expected);
                    // The caller handles some of what it found (the planner deletes all; a budget may stop it sooner).
                    for (Bytes key : found.subList(0, Math.min(step.handled(), found.size()))) {
                        store.delete(key);
                        model.remove(key);
                    }
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(1_000, 1_040),
                Arbitraries.integers().between(0, 1_000),
                Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 6)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(80);
    }

    @Test
    void anEntryAddedBelowTheFloorIsFound() {
        KeyValueStore<Bytes, byte[]> store = store();
        DueScan scan = new DueScan(store);
        add(store, scan, 2_000, "late");
        assertThat(scan.due(Instant.ofEpochMilli(5_000), 10, (key, value) -> TimelineKey.fromBytes(key).scheduleId())).containsExactly("late");
        store.delete(new TimelineKey(Instant.ofEpochMilli(2_000), "late").toBytes());

        add(store, scan, 1_000, "early");

        assertThat(scan.due(Instant.ofEpochMilli(5_000), 10, (key, value) -> TimelineKey.fromBytes(key).scheduleId())).containsExactly("early");
    }

    @Test
    void aClockThatSteppedBackFindsNothingNew() {
        KeyValueStore<Bytes, byte[]> store = store();
        DueScan scan = new DueScan(store);
        add(store, scan, 9_000, "later");
        assertThat(scan.due(Instant.ofEpochMilli(5_000), 10, (key, value) -> key)).isEmpty();

        assertThat(scan.due(Instant.ofEpochMilli(4_000), 10, (key, value) -> key)).isEmpty();
        assertThat(scan.due(Instant.ofEpochMilli(9_000), 10, (key, value) -> TimelineKey.fromBytes(key).scheduleId())).containsExactly("later");
    }

    private static void add(KeyValueStore<Bytes, byte[]> store, DueScan scan, long millis, String id) {
        Bytes key = new TimelineKey(Instant.ofEpochMilli(millis), id).toBytes();
        store.put(key, new byte[0]);
        scan.added(key);
    }

    @SuppressWarnings("deprecation")
    private static KeyValueStore<Bytes, byte[]> store() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("due"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}

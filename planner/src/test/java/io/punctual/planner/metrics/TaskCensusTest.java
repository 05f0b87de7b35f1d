package io.punctual.planner.metrics;

import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskCensusTest {
    /** Ids whose order differs between UTF-16 and UTF-8 (the supplementary character sorts after U+FF5E in UTF-8 only). */
    private static final List<String> IDS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "sch_1", "sch_2", "é", "～", "😀", "😀a");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final TopicSerdes serdes = new TopicSerdes(registry);
    private final ScheduleCensus census = new ScheduleCensus(registry);

    /** One step of a task: a state written or deleted (as the processor does, telling the census), or a slice of its scan. */
    record Step(String id, ScheduleStatus status, boolean delete, int slice) {
    }

    @Property(tries = 300)
    void countsWhatTheStoreHoldsWhateverChangesWhileItScans(@ForAll("before") List<Step> before, @ForAll("steps") List<Step> steps) {
        KeyValueStore<String, byte[]> store = store();
        TaskCensus task = census.opened("0_0");
        // What the store held when the task started, before any census: its scan must find all of it.
        before.forEach(step -> write(store, null, step));
        for (Step step : steps) {
            if (step.slice() > 0) {
                task.scan(store, step.slice());
            } else {
                write(store, task, step);
            }
        }
        while (!task.scan(store, 3)) {
            // the rest of the scan
        }

        assertThat(counts(task)).isEqualTo(recount(store));
        assertThat(census.count(ScheduleStatus.ACTIVE)).isEqualTo(recount(store).get(ScheduleStatus.ACTIVE).doubleValue());
    }

    @Test
    void isUnknownUntilEveryTaskHasCountedWhatItStartedWith() {
        KeyValueStore<String, byte[]> store = store();
        store.put("a", encoded("a", ScheduleStatus.PAUSED));
        TaskCensus first = census.opened("0_0");
        TaskCensus second = census.opened("0_1");
        second.reset();
        second.counted(ScheduleStatus.ACTIVE);
        second.done();

        assertThat(census.count(ScheduleStatus.PAUSED)).isNaN();

        assertThat(first.scan(store, 10)).isTrue();
        assertThat(census.count(ScheduleStatus.PAUSED)).isEqualTo(1.0);
        assertThat(census.count(ScheduleStatus.ACTIVE)).isEqualTo(1.0);

        census.closed("0_1", second);
        assertThat(census.count(ScheduleStatus.ACTIVE)).isZero();
    }

    @Provide
    Arbitrary<List<Step>> before() {
        return writes().list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> slice = Arbitraries.integers().between(1, 3).map(n -> new Step(null, null, false, n));
        return Arbitraries.oneOf(writes(), slice).list().ofMaxSize(40);
    }

    private static Arbitrary<Step> writes() {
        return Combinators.combine(Arbitraries.of(IDS), Arbitraries.of(ScheduleStatus.class), Arbitraries.integers().between(0, 3))
                .as((id, status, kind) -> new Step(id, status, kind == 0, 0));
    }

    /** A write as the processor makes it: the store changed, and the census told the status before and after. */
    private void write(KeyValueStore<String, byte[]> store, TaskCensus task, Step step) {
        byte[] previous = store.get(step.id());
        ScheduleStatus before = previous == null ? null : status(previous);
        if (step.delete()) {
            if (previous == null) {
                return;
            }
            store.delete(step.id());
        } else {
            store.put(step.id(), encoded(step.id(), step.status()));
        }
        if (task != null) {
            task.changed(step.id(), before, step.delete() ? null : step.status());
        }
    }

    private Map<ScheduleStatus, Long> counts(TaskCensus task) {
        Map<ScheduleStatus, Long> counts = new EnumMap<>(ScheduleStatus.class);
        for (ScheduleStatus status : ScheduleStatus.values()) {
            counts.put(status, task.count(status));
        }
        return counts;
    }

    private Map<ScheduleStatus, Long> recount(KeyValueStore<String, byte[]> store) {
        Map<ScheduleStatus, Long> counts = new EnumMap<>(ScheduleStatus.class);
        for (ScheduleStatus status : ScheduleStatus.values()) {
            counts.put(status, 0L);
        }
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> counts.merge(status(entry.value), 1L, Long::sum));
        }
        return counts;
    }

    private ScheduleStatus status(byte[] stored) {
        return serdes.valueSerde(Topics.SCHEDULES).deserializer().deserialize(Topics.SCHEDULES.name(), stored).getStatus();
    }

    private byte[] encoded(String id, ScheduleStatus status) {
        return serdes.valueSerde(Topics.SCHEDULES).serializer().serialize(Topics.SCHEDULES.name(), ScheduleStatusesTest.state(id, status));
    }

    private static KeyValueStore<String, byte[]> store() {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("schedules"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}

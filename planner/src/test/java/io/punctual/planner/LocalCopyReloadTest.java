package io.punctual.planner;

import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.metrics.ScheduleCensus;
import io.punctual.planner.state.ScheduleStore;
import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.SchedulesTopicCopy;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schedules store, the timeline and the deletions have no changelog: a planner instance whose copy may lag what
 * is committed reloads the schedules from punctual.schedules and rebuilds both indexes before it applies anything,
 * and one whose copy is current keeps it. Each "instance" here is a processor over the stores a task would have
 * there: the logged ones as restored from their changelogs (shared, as the changelogs are), the schedules, the
 * indexes and their local meta store of its own; what any instance publishes on punctual.schedules is one shared
 * topic, read back by a {@code MockConsumer}.
 */
class LocalCopyReloadTest extends PlannerTestBase {
    private static final Instant START = PlannerHarness.START;
    private static final Instant ONCE_AT = START.plus(Duration.ofHours(1));
    /** Schedules a restarted instance finds in its copy: more than two of a punctuation's slices of its census. */
    private static final int KEPT = 2_500;

    /** The logged stores, as every instance restores them. */
    private final Map<String, KeyValueStore<?, ?>> logged = Map.of(
            PlannerTopology.RETRIES_STORE, store(PlannerTopology.RETRIES_STORE, Serdes.Bytes(), Serdes.ByteArray()),
            PlannerTopology.APPLIED_RESULTS_STORE, store(PlannerTopology.APPLIED_RESULTS_STORE, Serdes.String(), Serdes.String()),
            PlannerTopology.META_STORE, store(PlannerTopology.META_STORE, Serdes.String(), Serdes.String()),
            PlannerTopology.QUOTA_CREDITS_STORE, store(PlannerTopology.QUOTA_CREDITS_STORE, Serdes.String(), Serdes.Long()),
            PlannerTopology.QUOTA_HELD_STORE, store(PlannerTopology.QUOTA_HELD_STORE, Serdes.String(), Serdes.ByteArray()));

    /** punctual.schedules, as every instance publishes to it and reads it back. */
    private final SchedulesTopicCopy topic = new SchedulesTopicCopy();

    @Test
    void anInstanceWhoseCopyMayLagReloadsItAndOneWhoseCopyIsCurrentKeepsIt() {
        Local first = new Local();
        Instance a = new Instance(first, START);
        a.apply(TestCommands.createOnce("s-0", "agent-0", START.plusSeconds(1)));
        a.apply(TestCommands.createOnce("s-1", "agent-1", ONCE_AT));
        a.apply(TestCommands.createCron("s-2", "agent-2", "0 9 * * MON-FRI", "Europe/Berlin"));
        // s-0 fires and completes: its deletion is indexed.
        a.context.setCurrentSystemTimeMs(START.plusSeconds(1).toEpochMilli());
        a.punctuate();
        List<String> atFirst = first.entries();
        assertThat(atFirst).hasSize(2).anyMatch(e -> e.endsWith("s-1")).anyMatch(e -> e.endsWith("s-2"));
        List<String> deletions = first.deletions();
        Instant deleteAt = START.plusSeconds(1).plus(LifecycleSettings.DEFAULT_COMPLETED_RETENTION);
        assertThat(deletions).containsExactly(deleteAt + " s-0");

        // The task moves: the new instance has no schedules and no indexes. It reloads and rebuilds the same ones.
        Local second = new Local();
        Instance b = new Instance(second, START.plusSeconds(2));
        b.punctuate();
        assertThat(second.schedules()).isEqualTo(first.schedules()).containsExactly("s-0", "s-1", "s-2");
        assertThat(second.entries()).isEqualTo(atFirst);
        assertThat(second.deletions()).isEqualTo(deletions);
        b.apply(TestCommands.delete("s-1", TestCommands.TENANT, null));
        b.apply(TestCommands.createOnce("s-3", "agent-3", ONCE_AT));
        List<String> atSecond = second.entries();
        assertThat(atSecond).hasSize(2).anyMatch(e -> e.endsWith("s-2")).anyMatch(e -> e.endsWith("s-3"));

        // And back: the first instance's copy still has s-1 and lacks s-3; its token is not the committed one. The
        // reload takes each schedule's last record: s-1's tombstone deletes it.
        assertThat(first.entries()).isEqualTo(atFirst);
        assertThat(first.schedules()).containsExactly("s-0", "s-1", "s-2");
        Instance aAgain = new Instance(first, START.plusSeconds(3));
        aAgain.apply(TestCommands.pause("s-2", "a break"));
        assertThat(first.schedules()).containsExactly("s-0", "s-2", "s-3");
        assertThat(aAgain.schedules().get("s-2").getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(first.entries()).hasSize(1).allMatch(e -> e.endsWith("s-3"));

        // A clean restart on the same instance trusts its copy: an entry only that copy has survives the first
        // punctuation (a reload would drop it, as the topic does not have it), and the topic is not read.
        Bytes onlyInTheCopy = new TimelineKey(START.plus(Duration.ofDays(30)), "not-a-schedule").toBytes();
        first.timeline.put(onlyInTheCopy, new byte[0]);
        first.schedules.put("not-a-schedule", new byte[0]);
        int opened = topic.opened();
        Instance restarted = new Instance(first, START.plusSeconds(4));
        restarted.punctuate();
        assertThat(first.timeline.get(onlyInTheCopy)).isNotNull();
        assertThat(first.schedules.get("not-a-schedule")).isNotNull();
        assertThat(topic.opened()).isEqualTo(opened);
        first.timeline.delete(onlyInTheCopy);
        first.schedules.delete("not-a-schedule");

        // The rebuilt timeline fires: s-3 at its time, from the instance that rebuilt last.
        restarted.context.setCurrentSystemTimeMs(ONCE_AT.toEpochMilli());
        restarted.resetForwards();
        restarted.punctuate();
        List<String> fired = new ArrayList<>();
        restarted.context.forwarded(PlannerTopology.DUE_SINK).forEach(f -> fired.add(((DueEvent) f.record().value()).getScheduleId()));
        assertThat(fired).containsExactly("s-3");

        // And the rebuilt deletions delete: s-0 a retention after it completed.
        restarted.context.setCurrentSystemTimeMs(deleteAt.toEpochMilli());
        assertThat(restarted.schedules().get("s-0")).isNotNull();
        restarted.punctuate();
        assertThat(restarted.schedules().get("s-0")).isNull();
        assertThat(restarted.schedules().get("s-3")).isNotNull();
    }

    @Test
    void aRestartedInstanceCountsTheCopyItKeptInSlicesWhileCommandsChangeIt() {
        Local local = new Local();
        Instance first = new Instance(local, START);
        first.apply(TestCommands.createCron(id(0), "agent-0", "0 9 * * MON-FRI", "Europe/Berlin"));
        assertThat(first.census.count(ScheduleStatus.ACTIVE)).as("a new task's census (an empty reload)").isEqualTo(1.0);
        // More than two punctuations' slices of schedules in the copy, written as stored.
        ScheduleState template = first.schedules().get(id(0));
        for (int i = 1; i < KEPT; i++) {
            ScheduleState state = ScheduleState.newBuilder(template).setScheduleId(id(i)).build();
            state.setStatus(i % 4 == 0 ? ScheduleStatus.PAUSED : i % 7 == 0 ? ScheduleStatus.COMPLETED : ScheduleStatus.ACTIVE);
            first.schedules().put(state);
        }

        Instance restarted = new Instance(local, START.plusSeconds(1));
        int opened = topic.opened();
        assertThat(restarted.census.count(ScheduleStatus.ACTIVE)).as("before the first slice").isNaN();
        restarted.punctuate();
        assertThat(topic.opened()).as("the copy is kept, not reloaded").isEqualTo(opened);
        assertThat(restarted.census.count(ScheduleStatus.ACTIVE)).as("after one slice").isNaN();
        // Between slices: changes behind the scan's cursor (low ids) and ahead of it (high ids).
        restarted.apply(TestCommands.pause(id(5), "behind"));
        restarted.apply(TestCommands.delete(id(6), TestCommands.TENANT, null));
        restarted.apply(TestCommands.createCron(id(5) + "a", "agent-new", "0 9 * * *", "Europe/Berlin"));
        restarted.apply(TestCommands.pause(id(KEPT - 1), "ahead"));
        restarted.apply(TestCommands.delete(id(KEPT - 2), TestCommands.TENANT, null));
        restarted.apply(TestCommands.createCron("z-new", "agent-new", "0 9 * * *", "Europe/Berlin"));
        restarted.punctuate();
        restarted.punctuate();

        Map<ScheduleStatus, Double> stored = ScheduleCensusTest.byStatus(restarted.schedules());
        assertThat(stored.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(KEPT + 2 - 2);
        for (ScheduleStatus status : ScheduleStatus.values()) {
            assertThat(restarted.census.count(status)).as(status.name()).isEqualTo(stored.get(status));
        }
        restarted.apply(TestCommands.resume(id(5)));
        assertThat(restarted.census.count(ScheduleStatus.PAUSED)).isEqualTo(stored.get(ScheduleStatus.PAUSED) - 1);
    }

    private static String id(int i) {
        return String.format("s-%05d", i);
    }

    @Test
    void aSchedulesTopicOfAnotherWidthThanTheCommandsIsRefused() {
        topic.withCommandPartitions(3);
        Instance instance = new Instance(new Local(), START);
        assertThatThrownBy(instance::punctuate).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("punctual.schedules has 1 partitions and punctual.commands 3");
    }

    /** The stores one instance keeps for itself: the schedules, the indexes and their local meta store. */
    private static final class Local {
        final KeyValueStore<String, byte[]> schedules = store(PlannerTopology.SCHEDULES_STORE, Serdes.String(), Serdes.ByteArray());
        final KeyValueStore<Bytes, byte[]> timeline = store(PlannerTopology.TIMELINE_STORE, Serdes.Bytes(), Serdes.ByteArray());
        final KeyValueStore<Bytes, byte[]> purges = store(PlannerTopology.PURGES_STORE, Serdes.Bytes(), Serdes.ByteArray());
        final KeyValueStore<String, String> meta = store(PlannerTopology.LOCAL_META_STORE, Serdes.String(), Serdes.String());

        /** The ids of the schedules stored, in order. */
        List<String> schedules() {
            List<String> ids = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = schedules.all()) {
                it.forEachRemaining(kv -> ids.add(kv.key));
            }
            return ids;
        }

        /** The timeline's entries as "fire time schedule id", in order. */
        List<String> entries() {
            return keys(timeline);
        }

        /** The deletions' entries as "deletion time schedule id", in order. */
        List<String> deletions() {
            return keys(purges);
        }

        private static List<String> keys(KeyValueStore<Bytes, byte[]> store) {
            List<String> entries = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                it.forEachRemaining(kv -> {
                    TimelineKey key = TimelineKey.fromBytes(kv.key);
                    entries.add(key.fireAt() + " " + key.scheduleId());
                });
            }
            return entries;
        }
    }

    /** A processor as initialised on one instance, over its own local stores and the shared logged ones. */
    private final class Instance {
        final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        final ScheduleCensus census = new ScheduleCensus(serdes.registry());
        final PlannerProcessor processor = new PlannerProcessor(serdes,
                PlannerSettings.defaults().withStateDir(stateDir).withFireLead(Duration.ZERO), SpecGuard.none(),
                // No quota, so a create is applied at once rather than sent to the quota's task.
                LifecycleSettings.defaults().withMaxSchedulesPerTenant(0), config -> topic.consumer(), census);
        private long offset;
        /** How many of the records forwarded to punctual.schedules are on the shared topic already. */
        private int published;

        Instance(Local local, Instant now) {
            logged.values().forEach(context::addStateStore);
            context.addStateStore(local.schedules);
            context.addStateStore(local.timeline);
            context.addStateStore(local.purges);
            context.addStateStore(local.meta);
            context.setCurrentSystemTimeMs(now.toEpochMilli());
            processor.init(context);
        }

        void apply(ScheduleCommand command) {
            context.setRecordMetadata(Topics.COMMANDS.name(), 0, offset++);
            byte[] bytes = serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), command);
            processor.process(new Record<>(command.getScheduleId(), bytes, context.currentSystemTimeMs()));
            publish();
        }

        /** Puts what the processor forwarded to punctual.schedules since the last call on the shared topic. */
        private void publish() {
            List<MockProcessorContext.CapturedForward<? extends String, ?>> forwarded = context.forwarded(PlannerTopology.SCHEDULES_SINK);
            for (; published < forwarded.size(); published++) {
                Record<? extends String, ?> record = forwarded.get(published).record();
                topic.add(record.key(), (byte[]) record.value());
            }
        }

        void resetForwards() {
            publish();
            context.resetForwards();
            published = 0;
        }

        ScheduleStore schedules() {
            return new ScheduleStore(context.getStateStore(PlannerTopology.SCHEDULES_STORE), serdes.valueSerde(Topics.SCHEDULES));
        }

        void punctuate() {
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());
            publish();
        }
    }

    private static <K, V> KeyValueStore<K, V> store(String name, Serde<K> keys, Serde<V> values) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}

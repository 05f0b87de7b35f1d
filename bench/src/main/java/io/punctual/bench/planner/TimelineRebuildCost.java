package io.punctual.bench.planner;

import io.punctual.planner.PlannerTopology;
import io.punctual.planner.state.ScheduleStore;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * What a task pays when its timeline, which has no changelog, is rebuilt from its schedules (after a crash, or when
 * the task moved): the planner's topology in a TopologyTestDriver over RocksDB stores holding N schedules and no
 * timeline; the first punctuation finds no session and rebuilds it. Reports that punctuation's wall time.
 * Usage: TimelineRebuildCost [N...=10000 1000000] (the first run also warms the JIT up)
 */
public final class TimelineRebuildCost {
    private static final Instant START = Instant.parse("2025-03-03T08:00:00Z");

    private TimelineRebuildCost() {
    }

    public static void main(String[] args) throws Exception {
        TopicSerdes serdes = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
        int[] sizes = args.length == 0 ? new int[]{10_000, 1_000_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int stored : sizes) {
            measure(serdes, stored);
        }
        System.exit(0);
    }

    private static void measure(TopicSerdes serdes, int stored) throws Exception {
        try (TopologyTestDriver driver = PlannerDriver.open(serdes, "rebuild-" + stored, START)) {
            ScheduleStore schedules = new ScheduleStore(driver.getKeyValueStore(PlannerTopology.SCHEDULES_STORE), serdes.valueSerde(Topics.SCHEDULES));
            long seedStart = System.nanoTime();
            Instant nextYear = Instant.parse("2026-03-02T08:00:00Z");
            for (int i = 0; i < stored; i++) {
                schedules.put(state("s-" + i, nextYear));
            }
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            long start = System.nanoTime();
            driver.advanceWallClockTime(Duration.ofMillis(100));
            double seconds = (System.nanoTime() - start) / 1e9;
            KeyValueStore<Bytes, byte[]> timeline = driver.getKeyValueStore(PlannerTopology.TIMELINE_STORE);
            long entries = 0;
            try (KeyValueIterator<Bytes, byte[]> it = timeline.all()) {
                for (; it.hasNext(); it.next()) {
                    entries++;
                }
            }
            System.out.printf("%,9d stored schedules (seeded in %.1f s): timeline rebuilt in %.2f s (%,.1f µs per schedule), %,d entries%n",
                    stored, seedSeconds, seconds, seconds * 1e6 / stored, entries);
        }
    }

    private static ScheduleState state(String id, Instant next) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-" + id)
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("tick").build()))
                .setMode(DeliveryMode.ASYNC).setApiKeyCiphertext(ByteBuffer.allocate(16)).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("bench").setTarget(target)
                .setCadence(new CronCadence("0 9 2 3 *", "Europe/Berlin")).build();
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(spec).setStatus(ScheduleStatus.ACTIVE).setVersion(1)
                .setCreatedAt(START).setUpdatedAt(START).setNextFireAt(next).build();
    }
}

package io.punctual.bench.planner;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.SchedulesTopicCopy;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * (c) The cost of one punctuation with few fires due, as the number of stored schedules grows: the planner's
 * topology in a TopologyTestDriver over RocksDB stores holding N schedules due next year plus 10 that fire every
 * second. Reports the mean wall time of a punctuation (plus the driver's commit) over many.
 * Usage: PlannerPunctuationCost [N...=10000 1000000 10000] (10,000 twice: the first run also warms the JIT up)
 */
public final class PlannerPunctuationCost {
    private static final Instant START = Instant.parse("2025-03-03T08:00:00Z");
    private static final int DUE_EVERY_SECOND = 10;
    private static final int PUNCTUATIONS = 500;

    private PlannerPunctuationCost() {
    }

    public static void main(String[] args) throws Exception {
        TopicSerdes serdes = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
        int[] sizes = args.length == 0 ? new int[]{10_000, 1_000_000, 10_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int stored : sizes) {
            measure(serdes, stored);
        }
        System.exit(0);
    }

    private static void measure(TopicSerdes serdes, int stored) throws Exception {
        // The schedules as punctual.schedules holds them: the task's first punctuation reloads them into its store.
        SchedulesTopicCopy topic = new SchedulesTopicCopy();
        Serializer<ScheduleState> encoder = serdes.valueSerde(Topics.SCHEDULES).serializer();
        long seedStart = System.nanoTime();
        Instant nextYear = Instant.parse("2026-03-02T08:00:00Z");
        for (int i = 0; i < stored; i++) {
            String id = "idle-" + i;
            topic.add(id, encoder.serialize(Topics.SCHEDULES.name(), state(id, new CronCadence("0 9 2 3 *", "Europe/Berlin"), nextYear)));
        }
        for (int i = 0; i < DUE_EVERY_SECOND; i++) {
            String id = "busy-" + i;
            topic.add(id, encoder.serialize(Topics.SCHEDULES.name(), state(id, new IntervalCadence(1000L, START), START.plusSeconds(1))));
        }
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        try (TopologyTestDriver driver = PlannerDriver.open(serdes, "punctuation-" + stored, START, config -> topic.consumer())) {
            TestOutputTopic<String, ?> due = driver.createOutputTopic(Topics.DUE.name(), new StringDeserializer(), serdes.valueSerde(Topics.DUE).deserializer());
            // Warm up, then measure: each step is one punctuation (100 ms apart); every tenth has 10 fires due. The
            // first one reloads the schedules and indexes them (LocalCopySession).
            for (int i = 0; i < 100; i++) {
                driver.advanceWallClockTime(Duration.ofMillis(100));
            }
            due.readValuesToList();
            long start = System.nanoTime();
            for (int i = 0; i < PUNCTUATIONS; i++) {
                driver.advanceWallClockTime(Duration.ofMillis(100));
            }
            double micros = (System.nanoTime() - start) / 1e3 / PUNCTUATIONS;
            int fires = due.readValuesToList().size();
            System.out.printf("%,9d stored schedules (seeded in %.1f s): %,.0f µs per punctuation (with the driver's commit), %d fires in %d punctuations%n",
                    stored, seedSeconds, micros, fires, PUNCTUATIONS);
        }
    }

    private static ScheduleState state(String id, Object cadence, Instant next) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-" + id)
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("tick").build()))
                .setMode(DeliveryMode.ASYNC).setApiKeyCiphertext(ByteBuffer.allocate(16)).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("bench").setTarget(target).setCadence(cadence).build();
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(spec).setStatus(ScheduleStatus.ACTIVE).setVersion(1)
                .setCreatedAt(START).setUpdatedAt(START).setNextFireAt(next).build();
    }
}

package io.punctual.testkit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records of punctual.schedules' partition 0, as a planner task without a broker (a TopologyTestDriver, a
 * MockProcessorContext) reloads its schedules store from them: each {@link #consumer()} is a fresh
 * {@link MockConsumer} over the records added so far, with punctual.schedules and punctual.commands of one partition.
 */
public final class SchedulesTopicCopy {
    private static final String SCHEDULES = "punctual.schedules";
    private static final String COMMANDS = "punctual.commands";

    private final List<Map.Entry<String, byte[]>> records = new ArrayList<>();
    private int commandPartitions = 1;
    private int opened;

    /** Appends a record (a null value is a tombstone). */
    public synchronized void add(String key, byte[] value) {
        records.add(new AbstractMap.SimpleImmutableEntry<>(key, value));
    }

    public synchronized int size() {
        return records.size();
    }

    /** How many consumers were handed out: how many times the topic was read. */
    public synchronized int opened() {
        return opened;
    }

    /** Makes punctual.commands look this many partitions wide (punctual.schedules stays one), to check the refusal. */
    public synchronized SchedulesTopicCopy withCommandPartitions(int partitions) {
        this.commandPartitions = partitions;
        return this;
    }

    /** A consumer of the records added so far, which it hands out at its first poll. */
    public synchronized MockConsumer<String, byte[]> consumer() {
        opened++;
        List<Map.Entry<String, byte[]>> snapshot = List.copyOf(records);
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(SCHEDULES, List.of(partition(SCHEDULES, 0)));
        List<PartitionInfo> commands = new ArrayList<>();
        for (int p = 0; p < commandPartitions; p++) {
            commands.add(partition(COMMANDS, p));
        }
        consumer.updatePartitions(COMMANDS, commands);
        TopicPartition topic = new TopicPartition(SCHEDULES, 0);
        consumer.updateBeginningOffsets(Map.of(topic, 0L));
        consumer.updateEndOffsets(Map.of(topic, (long) snapshot.size()));
        consumer.schedulePollTask(() -> {
            for (int offset = 0; offset < snapshot.size(); offset++) {
                Map.Entry<String, byte[]> record = snapshot.get(offset);
                consumer.addRecord(new ConsumerRecord<>(SCHEDULES, 0, offset, record.getKey(), record.getValue()));
            }
        });
        return consumer;
    }

    private static PartitionInfo partition(String topic, int partition) {
        Node node = new Node(0, "localhost", 9092);
        return new PartitionInfo(topic, partition, node, new Node[]{node}, new Node[]{node});
    }
}

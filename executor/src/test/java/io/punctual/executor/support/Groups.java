package io.punctual.executor.support;

import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test classes share one broker and so one {@code punctual.due}: a new executor group would start at the
 * beginning and deliver every other class's fires again. Committing the current end first makes it start here.
 */
public final class Groups {
    private Groups() {
    }

    public static void startAtEnd(KafkaFixture kafka, String groupId, String topic) {
        try {
            if (!kafka.admin().listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                return; // nothing written yet, so nothing to skip
            }
            int partitions = kafka.admin().describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            kafka.admin().listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS)
                    .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            kafka.admin().alterConsumerGroupOffsets(groupId, offsets).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not position group " + groupId, e);
        }
    }
}

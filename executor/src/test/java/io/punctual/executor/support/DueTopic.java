package io.punctual.executor.support;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Writes fires to {@code punctual.due} as the planner does: in one transaction, keyed by the Letta agent id. */
public final class DueTopic {
    private DueTopic() {
    }

    public static void publish(KafkaFixture kafka, Serializer<DueEvent> serializer, List<DueEvent> fires) {
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("planner-stand-in"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (DueEvent fire : fires) {
                producer.send(new ProducerRecord<>(Topics.DUE.name(), ((LettaTarget) fire.getTarget()).getAgentId().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(Topics.DUE.name(), fire)));
            }
            producer.commitTransaction();
        }
    }
}

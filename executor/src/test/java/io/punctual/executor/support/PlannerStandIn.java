package io.punctual.executor.support;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.DueKeys;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the executor's end-to-end tests need of the planner: due events written to {@code punctual.due} in
 * transactions, keyed as the planner keys them ({@link DueKeys}), and the executor's results decoded.
 */
public final class PlannerStandIn implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<DueEvent> dueSerializer;
    private final Deserializer<ExecutionResult> resultDeserializer;

    public PlannerStandIn(KafkaFixture kafka) {
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        dueSerializer = serdes.valueSerde(Topics.DUE).serializer();
        resultDeserializer = serdes.valueSerde(Topics.RESULTS).deserializer();
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("planner-stand-in"));
        producer = new KafkaProducer<>(props);
        producer.initTransactions();
    }

    /** The fires in one transaction, each on the partition of its key. */
    public void publish(DueEvent... fires) {
        publish(records(null, fires));
    }

    /** The fires in one transaction, all on this partition, in this order: the executor polls them together. */
    public void publishOnPartition(int partition, DueEvent... fires) {
        publish(records(partition, fires));
    }

    /** Any records (to any topic) in one transaction. */
    public void publish(List<ProducerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.commitTransaction();
    }

    /** The due record of a fire as the planner writes it; {@code partition} null for the key's partition. */
    public ProducerRecord<byte[], byte[]> record(DueEvent fire, Integer partition) {
        return new ProducerRecord<>(Topics.DUE.name(), partition, DueKeys.of(fire.getTarget(), fire.getScheduleId()).getBytes(StandardCharsets.UTF_8),
                serialize(fire));
    }

    public byte[] serialize(DueEvent fire) {
        return dueSerializer.serialize(Topics.DUE.name(), fire);
    }

    public ExecutionResult decode(ConsumerRecord<byte[], byte[]> record) {
        return resultDeserializer.deserialize(Topics.RESULTS.name(), record.value());
    }

    private List<ProducerRecord<byte[], byte[]>> records(Integer partition, DueEvent... fires) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (DueEvent fire : fires) {
            records.add(record(fire, partition));
        }
        return records;
    }

    @Override
    public void close() {
        producer.close();
    }
}

package io.punctual.executor.kafka;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

import java.nio.charset.StandardCharsets;

/** The record a fire with a Kafka target puts on the user's topic. */
public final class UserTopicRecords {
    /** Carries the fire id, so a consumer can tell fires apart (and recognise one it was given by a replay). */
    public static final String FIRE_ID_HEADER = "punctual.fire.id";

    private UserTopicRecords() {
    }

    /** At most the bytes the record takes in a record batch of its own, as the producer and the broker count them. */
    static int sizeUpperBound(DueEvent fire, KafkaTarget target) {
        ProducerRecord<byte[], byte[]> record = of(fire, target);
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                record.key(), record.value(), record.headers().toArray());
    }

    static ProducerRecord<byte[], byte[]> of(DueEvent fire, KafkaTarget target) {
        RecordHeaders headers = new RecordHeaders();
        target.getHeaders().forEach((name, value) -> headers.add(name.toString(), value.toString().getBytes(StandardCharsets.UTF_8)));
        headers.add(FIRE_ID_HEADER, fire.getFireId().getBytes(StandardCharsets.UTF_8));
        String key = target.getKey() != null ? target.getKey() : fire.getScheduleId();
        return new ProducerRecord<>(target.getTopic(), null, key.getBytes(StandardCharsets.UTF_8),
                target.getValueJson().getBytes(StandardCharsets.UTF_8), headers);
    }
}

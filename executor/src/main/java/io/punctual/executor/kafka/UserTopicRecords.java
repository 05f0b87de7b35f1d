package io.punctual.executor.kafka;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** The record a fire with a Kafka target puts on the user's topic. */
public final class UserTopicRecords {
    /** Carries the fire id, so a consumer can tell fires apart (and recognise one it was given by a replay). */
    public static final String FIRE_ID_HEADER = "punctual.fire.id";

    private UserTopicRecords() {
    }

    public static ProducerRecord<byte[], byte[]> of(DueEvent fire, KafkaTarget target) {
        RecordHeaders headers = new RecordHeaders();
        target.getHeaders().forEach((name, value) -> headers.add(name.toString(), value.toString().getBytes(StandardCharsets.UTF_8)));
        headers.add(FIRE_ID_HEADER, fire.getFireId().getBytes(StandardCharsets.UTF_8));
        String key = target.getKey() != null ? target.getKey() : fire.getScheduleId();
        return new ProducerRecord<>(target.getTopic(), null, key.getBytes(StandardCharsets.UTF_8),
                target.getValueJson().getBytes(StandardCharsets.UTF_8), headers);
    }
}

package io.punctual.executor.kafka;

import io.punctual.schemas.DueEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record of {@code punctual.due} after decoding: a fire to deliver, or poison for the dead-letter topic. */
sealed interface DecodedRecord {
    ConsumerRecord<byte[], byte[]> record();

    record Fire(ConsumerRecord<byte[], byte[]> record, DueEvent event) implements DecodedRecord {
    }

    record Poison(ConsumerRecord<byte[], byte[]> record, String reason) implements DecodedRecord {
    }
}

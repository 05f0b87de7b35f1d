package io.punctual.gateway.view;

import io.punctual.schemas.serde.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;

/**
 * What a view does with a record it cannot decode, the same in every view: a record that is itself bad is logged and
 * left out; an unreachable schema registry is not the record's fault, so the failure is thrown and nothing of the
 * batch is written ({@code TopicTail} reads the batch again once the registry answers).
 */
final class UndecodableRecords {
    private UndecodableRecords() {
    }

    static void skipOrRethrow(ConsumerRecord<?, ?> record, RuntimeException e, Logger log) {
        if (SchemaRegistryException.isUnavailable(e)) {
            throw e;
        }
        log.error("Skipped a record of {} at {}-{} that does not decode: {}", record.topic(), record.partition(), record.offset(), e.toString());
    }
}

package io.punctual.executor.kafka;

import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a record of {@code punctual.due} into a fire, or says why it is poison. A record that cannot be
 * read now but might be later (the registry is unreachable) is neither: that throws, and the batch is retried.
 */
final class DueRecordDecoder {
    private final Deserializer<DueEvent> values;

    DueRecordDecoder(Deserializer<DueEvent> values) {
        this.values = values;
    }

    DecodedRecord decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return new DecodedRecord.Poison(record, "no value (tombstone)");
        }
        DueEvent fire;
        try {
            fire = values.deserialize(record.topic(), record.value());
        } catch (SchemaRegistryException e) {
            if (isTransient(e)) {
                throw new RegistryUnavailableException(e);
            }
            return new DecodedRecord.Poison(record, "unknown writer schema: " + e.getMessage());
        } catch (RuntimeException e) {
            return new DecodedRecord.Poison(record, "not a DueEvent: " + e.getMessage());
        }
        if (fire.getTarget() instanceof LettaTarget letta) {
            if (letta.getAgentId().isBlank()) {
                return new DecodedRecord.Poison(record, "no agent id");
            }
            if (letta.getMessages().isEmpty()) {
                return new DecodedRecord.Poison(record, "no messages to deliver");
            }
        }
        return new DecodedRecord.Fire(record, fire);
    }

    private static boolean isTransient(SchemaRegistryException e) {
        // No answer, a server error or throttling may pass; 404 for a schema id will not.
        return e.status() < 0 || e.status() >= 500 || e.status() == 429 || e.status() == 408;
    }

    /** The registry could not be asked; the record may be fine. */
    static final class RegistryUnavailableException extends RuntimeException {
        RegistryUnavailableException(SchemaRegistryException cause) {
            super("Schema registry unavailable while reading " + Topics.DUE.name() + ": " + cause.getMessage(), cause);
        }
    }
}

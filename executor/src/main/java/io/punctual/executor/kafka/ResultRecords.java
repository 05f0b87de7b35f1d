package io.punctual.executor.kafka;

import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;

/** Encodes results for {@code punctual.results}, keyed by schedule id so one schedule's history stays on one partition. */
final class ResultRecords {
    private final TopicSerdes serdes;
    private final Serializer<ExecutionResult> values;
    private final Deserializer<ExecutionResult> reader;

    ResultRecords(TopicSerdes serdes) {
        this.serdes = serdes;
        this.values = serdes.valueSerde(Topics.RESULTS).serializer();
        this.reader = serdes.valueSerde(Topics.RESULTS).deserializer();
    }

    /**
     * Registers the result schema ahead of the first commit, so that an unreachable registry shows up before
     * anything is delivered rather than after, when the only way out would be to deliver again.
     */
    void registerSchema() {
        serdes.registry().register(Topics.RESULTS.valueSubject(), ExecutionResult.getClassSchema());
    }

    ExecutionResult decode(byte[] value) {
        return reader.deserialize(Topics.RESULTS.name(), value);
    }

    ProducerRecord<byte[], byte[]> of(ExecutionResult result) {
        return new ProducerRecord<>(Topics.RESULTS.name(),
                result.getScheduleId().getBytes(StandardCharsets.UTF_8),
                values.serialize(Topics.RESULTS.name(), result));
    }
}

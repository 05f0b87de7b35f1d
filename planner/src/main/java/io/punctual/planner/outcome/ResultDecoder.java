package io.punctual.planner.outcome;

import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Decodes records of the results topic. Only our executor writes there, so a record that does not decode is a
 * bug elsewhere, not an attack: it is logged and skipped, since stopping the planner would stop every schedule.
 */
public final class ResultDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ResultDecoder.class);
    private static final int NOT_FOUND = 404;

    private final Deserializer<ExecutionResult> deserializer;

    public ResultDecoder(Deserializer<ExecutionResult> deserializer) {
        this.deserializer = deserializer;
    }

    public Optional<ExecutionResult> decode(String key, byte[] value, String where) {
        try {
            ExecutionResult result = deserializer.deserialize(Topics.RESULTS.name(), value);
            if (result == null || result.getScheduleId() == null || result.getFireId() == null) {
                LOG.error("Execution result at {} (key {}) is incomplete; skipped", where, key);
                return Optional.empty();
            }
            return Optional.of(result);
        } catch (SchemaRegistryException e) {
            if (e.status() != NOT_FOUND) {
                // The registry is down or refusing: the record may be fine, so fail and retry it rather than skip it.
                throw e;
            }
            LOG.error("Execution result at {} (key {}) has an unknown schema; skipped: {}", where, key, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Execution result at {} (key {}) does not decode; skipped: {}", where, key, e.toString());
        }
        return Optional.empty();
    }
}

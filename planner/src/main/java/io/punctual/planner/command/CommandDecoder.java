package io.punctual.planner.command;

import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a raw record of the commands topic into a command the planner can answer, or says why it is poison.
 * Only what identifies the command is checked here; whether it makes sense for the schedule is the handler's job,
 * which answers with a rejection instead.
 */
public final class CommandDecoder {
    private static final int NOT_FOUND = 404;

    private final Deserializer<ScheduleCommand> deserializer;

    public CommandDecoder(Deserializer<ScheduleCommand> deserializer) {
        this.deserializer = deserializer;
    }

    public ScheduleCommand decode(String key, byte[] value) throws PoisonCommandException {
        if (key == null) {
            throw new PoisonCommandException("missing_key", "a command's key must be its schedule id");
        }
        ScheduleCommand command = deserialize(value);
        requireText(command.getCommandId(), "command_id");
        requireText(command.getScheduleId(), "schedule_id");
        if (!key.equals(command.getScheduleId())) {
            // The key decides the partition, so the planner task that owns the schedule; a mismatch would act on
            // a schedule from the wrong task.
            throw new PoisonCommandException("key_mismatch",
                    "key '" + key + "' differs from schedule_id '" + command.getScheduleId() + "'");
        }
        if (command.getAction() == null) {
            throw new PoisonCommandException("missing_field", "action is missing");
        }
        return command;
    }

    private ScheduleCommand deserialize(byte[] value) throws PoisonCommandException {
        try {
            ScheduleCommand command = deserializer.deserialize(Topics.COMMANDS.name(), value);
            if (command == null) {
                throw new PoisonCommandException("undecodable", "no value");
            }
            return command;
        } catch (SchemaRegistryException e) {
            if (e.status() == NOT_FOUND) {
                throw new PoisonCommandException("unknown_schema", e.getMessage());
            }
            // The registry is down or refusing: the record may be fine, so fail and retry it rather than discard it.
            throw e;
        } catch (SerializationException e) {
            throw new PoisonCommandException("undecodable", e.getMessage());
        } catch (RuntimeException e) {
            throw new PoisonCommandException("undecodable", e.toString());
        }
    }

    private static void requireText(String value, String field) throws PoisonCommandException {
        if (value == null || value.isBlank()) {
            throw new PoisonCommandException("missing_field", field + " is empty");
        }
    }
}

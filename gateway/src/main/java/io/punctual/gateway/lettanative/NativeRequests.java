package io.punctual.gateway.lettanative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import io.punctual.gateway.v1.RequestLimits;
import io.punctual.gateway.v1.V1Targets;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import jakarta.inject.Singleton;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** Parses Letta's create body: messages and options, and a one-time (epoch ms) or recurring (UTC cron) schedule. */
@Singleton
public class NativeRequests {
    private static final Set<String> FIELDS = Set.of("messages", "schedule", "callback_url", "max_steps", "include_return_message_types");

    private final RequestLimits limits;

    public NativeRequests(RequestLimits limits) {
        this.limits = limits;
    }

    record Parsed(LettaTarget target, Object cadence) {
    }

    Parsed parse(String agentId, JsonNode body, Supplier<ByteBuffer> ciphertext) {
        if (!body.isObject()) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                errors.add(new FieldError(f, "is not a known field"));
            }
        });
        var letta = ((ObjectNode) body.deepCopy())
                .retain("messages", "callback_url", "max_steps", "include_return_message_types");
        letta.put("agent_id", agentId);
        LettaTarget target = V1Targets.letta(letta, limits, ciphertext, errors);
        Object cadence = cadence(body.get("schedule"), errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new Parsed(target, cadence);
    }

    private static Object cadence(JsonNode schedule, List<FieldError> errors) {
        if (schedule == null || !schedule.isObject()) {
            errors.add(new FieldError("schedule", "must be {\"type\": \"one-time\", \"scheduled_at\": <epoch ms>} or {\"type\": \"recurring\", \"cron_expression\": \"0 9 * * 1-5\"}"));
            return null;
        }
        JsonNode type = schedule.get("type");
        String typeText = type == null || type.isNull() ? "one-time" : type.isTextual() ? type.asText() : "";
        switch (typeText) {
            case "one-time" -> {
                JsonNode at = schedule.get("scheduled_at");
                if (at == null || !at.isNumber() || at.asDouble() < 0 || at.asDouble() > 253_402_300_799_000d) {
                    errors.add(new FieldError("schedule.scheduled_at", "must be a Unix time in milliseconds"));
                    return null;
                }
                Instant instant = Instant.ofEpochMilli(at.asLong());
                if (instant.isBefore(Instant.now())) {
                    errors.add(new FieldError("schedule.scheduled_at", "is in the past (" + instant + ")"));
                    return null;
                }
                return OnceCadence.newBuilder().setAt(instant).build();
            }
            case "recurring" -> {
                JsonNode cron = schedule.get("cron_expression");
                if (cron == null || !cron.isTextual() || cron.asText().isBlank()) {
                    errors.add(new FieldError("schedule.cron_expression", "must be a cron expression such as 0 9 * * 1-5"));
                    return null;
                }
                // Letta documents its schedules' cron as UTC.
                return CronCadence.newBuilder().setExpression(cron.asText().trim()).setTimezone("UTC").build();
            }
            default -> {
                errors.add(new FieldError("schedule.type", "must be one-time or recurring"));
                return null;
            }
        }
    }
}

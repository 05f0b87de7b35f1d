package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.letta.InvalidMessageException;
import io.punctual.schemas.letta.LettaMessagesJson;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /v1/schedules}, checked field by field so that every mistake is reported at once,
 * each with its JSON path. Cron expressions and time zones are checked by the planner, the single judge of
 * what a schedule means; its refusal comes back as a problem naming the same field.
 */
public record CreateScheduleRequest(String agentId, List<LettaMessage> messages, Object cadence, Map<String, String> labels,
                                    Integer maxSteps, String callbackUrl, List<String> includeReturnMessageTypes) {

    static final int MAX_MESSAGES = 100;
    static final int MAX_MESSAGES_BYTES = 64 * 1024;
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Set<String> FIELDS = Set.of("agent_id", "messages", "schedule", "labels", "max_steps", "callback_url",
            "include_return_message_types");

    public static CreateScheduleRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "is not a known field; known fields are " + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        }
        String agentId = null;
        JsonNode agent = body.get("agent_id");
        if (agent == null || !agent.isTextual() || !AGENT_ID.matcher(agent.asText()).matches()) {
            errors.add(new FieldError("agent_id", "must be a Letta agent id such as agent-123 (letters, digits, '-', '_', '.', ':'; at most 128)"));
        } else {
            agentId = agent.asText();
        }
        List<LettaMessage> messages = null;
        JsonNode messagesNode = body.get("messages");
        try {
            messages = LettaMessagesJson.fromJson(messagesNode);
            if (messages.size() > MAX_MESSAGES) {
                errors.add(new FieldError("messages", "has " + messages.size() + " messages; at most " + MAX_MESSAGES + " are allowed"));
            } else if (messagesNode.toString().length() > MAX_MESSAGES_BYTES) {
                errors.add(new FieldError("messages", "is larger than " + MAX_MESSAGES_BYTES + " bytes"));
            }
        } catch (InvalidMessageException e) {
            errors.add(new FieldError("messages" + e.field(), e.getMessage().substring(("messages" + e.field()).length()).trim()));
        }
        Object cadence = cadence(body.get("schedule"), errors);
        Map<String, String> labels = labels(body.get("labels"), errors);
        Integer maxSteps = null;
        JsonNode steps = body.get("max_steps");
        if (steps != null && !steps.isNull()) {
            if (!steps.canConvertToInt() || !steps.isIntegralNumber() || steps.asInt() < 1) {
                errors.add(new FieldError("max_steps", "must be a positive integer"));
            } else {
                maxSteps = steps.asInt();
            }
        }
        String callbackUrl = optionalText(body, "callback_url", errors);
        List<String> returnTypes = null;
        JsonNode types = body.get("include_return_message_types");
        if (types != null && !types.isNull()) {
            if (!types.isArray()) {
                errors.add(new FieldError("include_return_message_types", "must be an array of strings"));
            } else {
                returnTypes = new ArrayList<>();
                for (JsonNode t : types) {
                    if (!t.isTextual()) {
                        errors.add(new FieldError("include_return_message_types", "must be an array of strings"));
                        break;
                    }
                    returnTypes.add(t.asText());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new CreateScheduleRequest(agentId, messages, cadence, labels, maxSteps, callbackUrl, returnTypes);
    }

    private static Object cadence(JsonNode schedule, List<FieldError> errors) {
        if (schedule == null || !schedule.isObject()) {
            errors.add(new FieldError("schedule", "must be an object such as {\"type\": \"once\", \"at\": \"2026-12-01T09:00:00+01:00\"} "
                    + "or {\"type\": \"cron\", \"expression\": \"*/5 * * * *\", \"timezone\": \"UTC\"}"));
            return null;
        }
        JsonNode type = schedule.get("type");
        String typeText = type == null || !type.isTextual() ? "" : type.asText();
        switch (typeText) {
            case "once" -> {
                Instant at = instant(schedule.get("at"));
                if (at == null) {
                    errors.add(new FieldError("schedule.at", "must be an ISO-8601 instant with an offset or Z (e.g. 2026-12-01T09:00:00+01:00), or epoch milliseconds"));
                    return null;
                }
                return OnceCadence.newBuilder().setAt(at).build();
            }
            case "cron" -> {
                JsonNode expression = schedule.get("expression");
                if (expression == null || !expression.isTextual() || expression.asText().isBlank()) {
                    errors.add(new FieldError("schedule.expression", "must be a cron expression such as */5 * * * *"));
                    return null;
                }
                JsonNode zone = schedule.get("timezone");
                if (zone != null && !zone.isNull() && !zone.isTextual()) {
                    errors.add(new FieldError("schedule.timezone", "must be an IANA time zone name such as Europe/Berlin"));
                    return null;
                }
                return CronCadence.newBuilder().setExpression(expression.asText().trim())
                        .setTimezone(zone == null || zone.isNull() ? "UTC" : zone.asText()).build();
            }
            default -> {
                errors.add(new FieldError("schedule.type", "must be one of once, cron"));
                return null;
            }
        }
    }

    static Instant instant(JsonNode at) {
        if (at == null) {
            return null;
        }
        if (at.isIntegralNumber() && at.canConvertToLong() && at.asLong() >= 0) {
            return Instant.ofEpochMilli(at.asLong());
        }
        if (at.isTextual()) {
            try {
                return OffsetDateTime.parse(at.asText()).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private static Map<String, String> labels(JsonNode labels, List<FieldError> errors) {
        Map<String, String> out = new HashMap<>();
        if (labels == null || labels.isNull()) {
            return out;
        }
        if (!labels.isObject()) {
            errors.add(new FieldError("labels", "must be an object of string values"));
            return out;
        }
        labels.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
            } else {
                errors.add(new FieldError("labels." + e.getKey(), "must be a string"));
            }
        });
        return out;
    }

    private static String optionalText(JsonNode body, String field, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return value.asText();
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.OnceCadence;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/** Parses and renders the {@code schedule} of a request: once, cron or interval. */
final class CadenceJson {
    private static final Set<String> ONCE = Set.of("type", "at");
    private static final Set<String> CRON = Set.of("type", "expression", "timezone");
    private static final Set<String> INTERVAL = Set.of("type", "every", "anchor");

    private CadenceJson() {
    }

    /** The cadence; {@code defaultZone} is the request's top-level {@code timezone}, if any. */
    static Object parse(JsonNode schedule, String defaultZone, List<FieldError> errors) {
        if (schedule == null || !schedule.isObject()) {
            errors.add(new FieldError("schedule", "must be an object such as {\"type\": \"once\", \"at\": \"2026-12-01T09:00:00+01:00\"}, "
                    + "{\"type\": \"cron\", \"expression\": \"*/5 * * * *\", \"timezone\": \"UTC\"} or {\"type\": \"interval\", \"every\": \"15m\"}"));
            return null;
        }
        JsonNode type = schedule.get("type");
        String typeText = type == null || !type.isTextual() ? "" : type.asText();
        switch (typeText) {
            case "once" -> {
                TargetJson.unknownFields(schedule, ONCE, "schedule", errors);
                Instant at = instant(schedule.get("at"));
                if (at == null) {
                    errors.add(new FieldError("schedule.at", "must be an ISO-8601 instant with an offset or Z (e.g. 2026-12-01T09:00:00+01:00), or epoch milliseconds"));
                    return null;
                }
                return OnceCadence.newBuilder().setAt(at).build();
            }
            case "cron" -> {
                TargetJson.unknownFields(schedule, CRON, "schedule", errors);
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
                String zoneText = zone == null || zone.isNull() ? (defaultZone == null ? "UTC" : defaultZone) : zone.asText();
                return CronCadence.newBuilder().setExpression(expression.asText().trim()).setTimezone(zoneText).build();
            }
            case "interval" -> {
                TargetJson.unknownFields(schedule, INTERVAL, "schedule", errors);
                JsonNode every = schedule.get("every");
                Duration period = every != null && every.isTextual() ? Durations.parse(every.asText()) : null;
                if (period == null || period.toMillis() < 1000) {
                    errors.add(new FieldError("schedule.every", "must be a duration of at least 1s such as \"15m\" (units s, m, h, d)"));
                    return null;
                }
                JsonNode anchorNode = schedule.get("anchor");
                Instant anchor = null;
                if (anchorNode != null && !anchorNode.isNull()) {
                    anchor = instant(anchorNode);
                    if (anchor == null) {
                        errors.add(new FieldError("schedule.anchor", "must be an ISO-8601 instant with an offset or Z"));
                        return null;
                    }
                }
                return IntervalCadence.newBuilder().setEveryMs(period.toMillis()).setAnchor(anchor).build();
            }
            default -> {
                errors.add(new FieldError("schedule.type", "must be one of once, cron, interval"));
                return null;
            }
        }
    }

    static ObjectNode render(Object cadence) {
        ObjectNode schedule = JsonNodeFactory.instance.objectNode();
        if (cadence instanceof OnceCadence once) {
            schedule.put("type", "once");
            schedule.put("at", once.getAt().toString());
        } else if (cadence instanceof CronCadence cron) {
            schedule.put("type", "cron");
            schedule.put("expression", cron.getExpression());
            schedule.put("timezone", cron.getTimezone());
        } else if (cadence instanceof IntervalCadence interval) {
            schedule.put("type", "interval");
            schedule.put("every", Durations.format(interval.getEveryMs()));
            if (interval.getAnchor() != null) {
                schedule.put("anchor", interval.getAnchor().toString());
            }
        }
        return schedule;
    }

    static String typeOf(Object cadence) {
        return cadence instanceof OnceCadence ? "once" : cadence instanceof CronCadence ? "cron" : "interval";
    }

    static Instant instant(JsonNode at) {
        if (at == null) {
            return null;
        }
        if (at.isIntegralNumber() && at.canConvertToLong() && at.asLong() >= 0 && at.asLong() < 253_402_300_800_000L) {
            return Instant.ofEpochMilli(at.asLong());
        }
        if (at.isTextual()) {
            try {
                Instant parsed = OffsetDateTime.parse(at.asText()).toInstant();
                // Avro timestamp-millis and every client in between expect years 0-9999.
                return parsed.getEpochSecond() < -62_135_596_800L || parsed.getEpochSecond() > 253_402_300_799L ? null : parsed;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}

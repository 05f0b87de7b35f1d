package io.punctual.gateway.lettanative;

import com.fasterxml.jackson.databind.JsonNode;
import io.punctual.gateway.body.BodyBinder;
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
import java.util.function.Supplier;

/** Reads Letta's create body ({@link NativeBody}): the message as a /v1 Letta target, and its schedule. */
@Singleton
public class NativeRequests {
    private final RequestLimits limits;
    private final BodyBinder bodies;

    public NativeRequests(RequestLimits limits, BodyBinder bodies) {
        this.limits = limits;
        this.bodies = bodies;
    }

    record Parsed(LettaTarget target, Object cadence) {
    }

    Parsed parse(String agentId, JsonNode json, Supplier<ByteBuffer> ciphertext) {
        List<FieldError> errors = new ArrayList<>();
        NativeBody body = bodies.bind(json, NativeBody.class, errors);
        LettaTarget target = V1Targets.letta(agentId, body.messages(), body.maxSteps(), body.callbackUrl(),
                body.includeReturnMessageTypes(), limits, ciphertext, bodies, errors);
        Object cadence = cadence(body.schedule(), errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new Parsed(target, cadence);
    }

    private Object cadence(NativeBody.Schedule schedule, List<FieldError> errors) {
        if (named(errors)) {
            return null;
        }
        if (schedule == null) {
            errors.add(new FieldError("schedule", NativeBody.SCHEDULE_WORDING));
            return null;
        }
        bodies.validate(schedule, "schedule", errors);
        if (named(errors)) {
            return null;
        }
        if (schedule.recurring()) {
            String cron = schedule.cronExpression();
            if (cron == null || cron.isBlank()) {
                errors.add(new FieldError("schedule.cron_expression", NativeBody.Schedule.CRON_WORDING));
                return null;
            }
            // Letta documents its schedules' cron as UTC.
            return CronCadence.newBuilder().setExpression(cron.trim()).setTimezone("UTC").build();
        }
        Double at = schedule.scheduledAt();
        if (at == null || at < 0 || at > 253_402_300_799_000d) {
            errors.add(new FieldError("schedule.scheduled_at", NativeBody.Schedule.AT_WORDING));
            return null;
        }
        Instant instant = Instant.ofEpochMilli(at.longValue());
        if (instant.isBefore(Instant.now())) {
            errors.add(new FieldError("schedule.scheduled_at", "is in the past (" + instant + ")"));
            return null;
        }
        return OnceCadence.newBuilder().setAt(instant).build();
    }

    /** Whether the schedule is already named: one mistake about it at a time, as Letta's API answers. */
    private static boolean named(List<FieldError> errors) {
        return errors.stream().anyMatch(e -> e.field().startsWith("schedule"));
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.punctual.gateway.body.BodyBinder;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.CatchupPolicy;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.schemas.RetryPolicy;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.WebhookTarget;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * A {@code /v1} create or replace, checked: the body is bound to {@link ScheduleBody} and its constraints checked
 * ({@link BodyBinder}), then the rules that need the tenant, the configuration or the clock, then the planner's own
 * cadence check. Every mistake is reported at once, each with its JSON path.
 */
record ScheduleRequest(ScheduleSpec spec, boolean paused, String pausedNote) {

    static ScheduleRequest parse(JsonNode json, String tenant, RequestLimits limits, Sealer sealer, Instant now, BodyBinder bodies) {
        List<FieldError> errors = new ArrayList<>();
        ScheduleBody body = bodies.bind(json, ScheduleBody.class, errors);
        bodies.validate(body, "", errors);
        Object target = target(body, limits, sealer, bodies, errors);
        if (target instanceof KafkaTarget kafka) {
            // Here rather than in TargetBody: which topics are allowed depends on the tenant.
            limits.kafkaTopics().refusal(kafka.getTopic(), tenant).ifPresent(why -> errors.add(new FieldError("target.topic", why)));
        }
        Object cadence = null;
        if (body.schedule() == null) {
            errors.add(new FieldError("schedule", CadenceBody.WORDING));
        } else {
            bodies.validate(body.schedule(), "schedule", errors);
            cadence = body.schedule().toAvro(body.timezone(), errors);
        }
        Instant startAt = body.startAt();
        Instant endAt = body.endAt();
        if (endAt != null) {
            if (startAt != null && !endAt.isAfter(startAt)) {
                errors.add(new FieldError("end_at", "must be after start_at (" + startAt + ")"));
            } else if (endAt.isBefore(now)) {
                errors.add(new FieldError("end_at", "is in the past (" + endAt + ")"));
            }
        }
        RetryPolicy retry = retry(body.retry(), bodies, errors);
        WebhookTarget notifyWebhook = null;
        if (body.notifyWebhook() != null) {
            bodies.validate(body.notifyWebhook(), "notify_webhook", errors);
            notifyWebhook = body.notifyWebhook().toAvro("notify_webhook", limits, sealer, errors);
        }
        var labels = NullValues.refused(body.labels(), "labels", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        ScheduleSpec spec = ScheduleSpec.newBuilder()
                .setTenant(tenant)
                .setTarget(target)
                .setCadence(cadence)
                .setLabels(new HashMap<>(labels))
                .setStartAt(startAt)
                .setEndAt(endAt)
                .setMaxRuns(body.maxRuns())
                .setCatchup(body.catchup() == null ? CatchupPolicy.SKIP : CatchupPolicy.valueOf(body.catchup().toUpperCase(Locale.ROOT)))
                .setCatchupWindowMs(duration(body.catchupWindow(), Duration.ofHours(1)).toMillis())
                .setJitterMs(duration(body.jitter(), Duration.ZERO).toMillis())
                .setOverlap(body.overlap() == null ? OverlapPolicy.ALLOW : OverlapPolicy.valueOf(body.overlap().toUpperCase(Locale.ROOT)))
                .setRetry(retry)
                .setPauseAfterFailures(body.pauseAfterFailures() == null ? 10 : body.pauseAfterFailures().intValue())
                .setDeleteAfterCompletion(Boolean.TRUE.equals(body.deleteAfterCompletion()))
                .setRetryOnRunFailure(Boolean.TRUE.equals(body.retryOnRunFailure()))
                .setNotifyWebhook(notifyWebhook)
                .build();
        Cadences.check(spec, now, Cadences::v1Field, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new ScheduleRequest(spec, Boolean.TRUE.equals(body.paused()), body.pausedNote());
    }

    /** The target, given as {@code target} or in the Letta short form at the top level, not both. */
    private static Object target(ScheduleBody body, RequestLimits limits, Sealer sealer, BodyBinder bodies, List<FieldError> errors) {
        if (body.target() != null && body.hasShortForm()) {
            errors.add(new FieldError("target", "give either target or the short form (agent_id, messages), not both"));
            return null;
        }
        if (body.target() != null) {
            bodies.validate(body.target(), "target", errors);
            return body.target().toAvro("target", limits, sealer, errors);
        }
        TargetBody.Letta letta = body.shortForm();
        bodies.validate(letta, "", errors);
        return letta.toAvro("", limits, sealer, errors);
    }

    private static RetryPolicy retry(ScheduleBody.Retry given, BodyBinder bodies, List<FieldError> errors) {
        RetryPolicy.Builder retry = RetryPolicy.newBuilder().setMaxAttempts(5).setMaxAgeMs(3_600_000L);
        if (given == null) {
            return retry.build();
        }
        bodies.validate(given, "retry", errors);
        if (given.maxAttempts() != null) {
            retry.setMaxAttempts(given.maxAttempts());
        }
        if (given.maxAge() != null && Durations.parse(given.maxAge()) != null) {
            retry.setMaxAgeMs(Durations.parse(given.maxAge()).toMillis());
        }
        return retry.build();
    }

    /** A duration field already checked by its constraint; {@code fallback} when absent. */
    private static Duration duration(String text, Duration fallback) {
        return text == null ? fallback : Durations.parse(text);
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.schemas.WebhookTarget;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.CatchupPolicy;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.schemas.RetryPolicy;
import io.punctual.schemas.ScheduleSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The body of a {@code /v1} create or replace, checked field by field so every mistake is reported at once, each
 * with its JSON path. A Letta target may be given in its short form: {@code agent_id} + {@code messages} at the top.
 */
record ScheduleRequest(ScheduleSpec spec, boolean paused, String pausedNote) {
    static final Set<String> FIELDS = Set.of("agent_id", "messages", "max_steps", "callback_url", "include_return_message_types",
            "target", "schedule", "timezone", "start_at", "end_at", "max_runs", "catchup", "catchup_window", "jitter", "overlap",
            "retry", "pause_after_failures", "delete_after_completion", "paused", "paused_note", "labels", "retry_on_run_failure", "notify_webhook");
    private static final Set<String> SHORT_FORM = Set.of("agent_id", "messages", "max_steps", "callback_url", "include_return_message_types");
    private static final Set<String> RETRY = Set.of("max_attempts", "max_age");

    static ScheduleRequest parse(JsonNode body, String tenant, RequestLimits limits, Sealer sealer, Instant now) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        TargetJson.unknownFields(body, FIELDS, "", errors);
        Object target = target(body, limits, sealer, errors);
        if (target instanceof KafkaTarget kafka) {
            // Here rather than in TargetJson: which topics are allowed depends on the tenant.
            limits.kafkaTopics().refusal(kafka.getTopic(), tenant).ifPresent(why -> errors.add(new FieldError("target.topic", why)));
        }
        String zone = TargetJson.optionalText(body, "timezone", "", errors);
        Object cadence = CadenceJson.parse(body.get("schedule"), zone, errors);
        Instant startAt = optionalInstant(body, "start_at", errors);
        Instant endAt = optionalInstant(body, "end_at", errors);
        if (endAt != null) {
            if (startAt != null && !endAt.isAfter(startAt)) {
                errors.add(new FieldError("end_at", "must be after start_at (" + startAt + ")"));
            } else if (endAt.isBefore(now)) {
                errors.add(new FieldError("end_at", "is in the past (" + endAt + ")"));
            }
        }
        Long maxRuns = positiveLong(body, "max_runs", errors);
        CatchupPolicy catchup = enumValue(body, "catchup", CatchupPolicy.class, CatchupPolicy.SKIP, errors);
        Duration catchupWindow = duration(body, "catchup_window", Duration.ofHours(1), errors);
        Duration jitter = duration(body, "jitter", Duration.ZERO, errors);
        OverlapPolicy overlap = enumValue(body, "overlap", OverlapPolicy.class, OverlapPolicy.ALLOW, errors);
        RetryPolicy retry = retry(body.get("retry"), errors);
        Long pauseAfter = nonNegativeLong(body, "pause_after_failures", errors);
        if (pauseAfter != null && pauseAfter > Integer.MAX_VALUE) {
            errors.add(new FieldError("pause_after_failures", "is too large"));
        }
        boolean paused = optionalBoolean(body, "paused", errors);
        boolean deleteAfterCompletion = optionalBoolean(body, "delete_after_completion", errors);
        boolean retryOnRunFailure = optionalBoolean(body, "retry_on_run_failure", errors);
        WebhookTarget notifyWebhook = TargetJson.notifyWebhook(body.get("notify_webhook"), "notify_webhook", limits, sealer, errors);
        String pausedNote = TargetJson.optionalText(body, "paused_note", "", errors);
        Map<String, String> labels = TargetJson.stringMap(body.get("labels"), "labels", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        ScheduleSpec spec = ScheduleSpec.newBuilder()
                .setTenant(tenant)
                .setTarget(target)
                .setCadence(cadence)
                .setLabels(labels)
                .setStartAt(startAt)
                .setEndAt(endAt)
                .setMaxRuns(maxRuns)
                .setCatchup(catchup)
                .setCatchupWindowMs(catchupWindow.toMillis())
                .setJitterMs(jitter.toMillis())
                .setOverlap(overlap)
                .setRetry(retry)
                .setPauseAfterFailures(pauseAfter == null ? 10 : pauseAfter.intValue())
                .setDeleteAfterCompletion(deleteAfterCompletion)
                .setRetryOnRunFailure(retryOnRunFailure)
                .setNotifyWebhook(notifyWebhook)
                .build();
        Cadences.check(spec, now, Cadences::v1Field, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new ScheduleRequest(spec, paused, pausedNote);
    }

    private static Object target(JsonNode body, RequestLimits limits, Sealer sealer, List<FieldError> errors) {
        boolean shortForm = SHORT_FORM.stream().anyMatch(body::has);
        JsonNode target = body.get("target");
        if (target != null && shortForm) {
            errors.add(new FieldError("target", "give either target or the short form (agent_id, messages), not both"));
            return null;
        }
        if (target != null) {
            return TargetJson.parse(target, "target", limits, sealer, errors);
        }
        ObjectNode letta = body.deepCopy();
        letta.retain(SHORT_FORM);
        return TargetJson.letta(letta, "", limits, sealer, errors);
    }

    /** The field's value, false when it is absent or null. */
    private static boolean optionalBoolean(JsonNode body, String field, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            errors.add(new FieldError(field, "must be true or false"));
            return false;
        }
        return node.asBoolean();
    }

    private static Instant optionalInstant(JsonNode body, String field, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        Instant at = CadenceJson.instant(node);
        if (at == null) {
            errors.add(new FieldError(field, "must be an ISO-8601 instant with an offset or Z (e.g. 2026-12-01T09:00:00+01:00)"));
        }
        return at;
    }

    private static Long positiveLong(JsonNode body, String field, List<FieldError> errors) {
        Long value = nonNegativeLong(body, field, errors);
        if (value != null && value == 0) {
            errors.add(new FieldError(field, "must be a positive integer"));
            return null;
        }
        return value;
    }

    private static Long nonNegativeLong(JsonNode body, String field, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            errors.add(new FieldError(field, "must be a non-negative integer"));
            return null;
        }
        return node.asLong();
    }

    private static <E extends Enum<E>> E enumValue(JsonNode body, String field, Class<E> type, E fallback, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        List<String> names = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        if (!node.isTextual() || !names.contains(node.asText())) {
            errors.add(new FieldError(field, "must be one of " + String.join(", ", names)));
            return fallback;
        }
        return Enum.valueOf(type, node.asText().toUpperCase(Locale.ROOT));
    }

    private static Duration duration(JsonNode body, String field, Duration fallback, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        Duration d = node.isTextual() ? Durations.parse(node.asText()) : null;
        if (d == null) {
            errors.add(new FieldError(field, "must be a duration such as \"30s\", \"15m\", \"2h\" or \"1d\""));
            return fallback;
        }
        return d;
    }

    private static RetryPolicy retry(JsonNode node, List<FieldError> errors) {
        RetryPolicy.Builder retry = RetryPolicy.newBuilder().setMaxAttempts(5).setMaxAgeMs(3_600_000L);
        if (node == null || node.isNull()) {
            return retry.build();
        }
        if (!node.isObject()) {
            errors.add(new FieldError("retry", "must be an object such as {\"max_attempts\": 5, \"max_age\": \"1h\"}"));
            return retry.build();
        }
        TargetJson.unknownFields(node, RETRY, "retry", errors);
        JsonNode attempts = node.get("max_attempts");
        if (attempts != null && !attempts.isNull()) {
            if (!attempts.isIntegralNumber() || !attempts.canConvertToInt() || attempts.asInt() < 1 || attempts.asInt() > 100) {
                errors.add(new FieldError("retry.max_attempts", "must be an integer from 1 to 100"));
            } else {
                retry.setMaxAttempts(attempts.asInt());
            }
        }
        JsonNode age = node.get("max_age");
        if (age != null && !age.isNull()) {
            Duration d = age.isTextual() ? Durations.parse(age.asText()) : null;
            if (d == null) {
                errors.add(new FieldError("retry.max_age", "must be a duration such as \"1h\""));
            } else {
                retry.setMaxAgeMs(d.toMillis());
            }
        }
        return retry.build();
    }
}

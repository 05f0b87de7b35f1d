package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.kernel.letta.LettaMessagesJson;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders schedules and runs as the JSON of the /v1 API. Times are ISO-8601 in UTC. Secrets are never rendered. */
final class ScheduleJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScheduleJson() {
    }

    /** The writable fields of a schedule, shaped like a create request: what a merge patch applies to. */
    static ObjectNode writable(ScheduleSpec spec) {
        ObjectNode json = NODES.objectNode();
        json.set("target", TargetJson.render(spec.getTarget()));
        json.set("schedule", CadenceJson.render(spec.getCadence()));
        putTime(json, "start_at", spec.getStartAt());
        putTime(json, "end_at", spec.getEndAt());
        if (spec.getMaxRuns() == null) {
            json.putNull("max_runs");
        } else {
            json.put("max_runs", spec.getMaxRuns());
        }
        json.put("catchup", spec.getCatchup().name().toLowerCase(Locale.ROOT));
        json.put("catchup_window", Durations.format(spec.getCatchupWindowMs()));
        json.put("jitter", Durations.format(spec.getJitterMs()));
        json.put("overlap", spec.getOverlap().name().toLowerCase(Locale.ROOT));
        json.putObject("retry").put("max_attempts", spec.getRetry().getMaxAttempts())
                .put("max_age", Durations.format(spec.getRetry().getMaxAgeMs()));
        json.put("pause_after_failures", spec.getPauseAfterFailures());
        json.put("delete_after_completion", spec.getDeleteAfterCompletion());
        json.put("retry_on_run_failure", spec.getRetryOnRunFailure());
        if (spec.getNotifyWebhook() == null) {
            json.putNull("notify_webhook");
        } else {
            // The URL only: its secret and headers are never shown.
            json.putObject("notify_webhook").put("url", spec.getNotifyWebhook().getUrl());
        }
        ObjectNode labels = json.putObject("labels");
        spec.getLabels().forEach(labels::put);
        return json;
    }

    static ObjectNode schedule(ScheduleState state) {
        ObjectNode json = NODES.objectNode();
        json.put("id", state.getScheduleId());
        json.put("version", state.getVersion());
        json.put("status", state.getStatus().name().toLowerCase(Locale.ROOT));
        if (state.getSpec().getTarget() instanceof LettaTarget letta) {
            // The short form too, so clients of the first API version keep reading agent_id and messages.
            json.put("agent_id", letta.getAgentId());
            json.set("messages", LettaMessagesJson.toJson(letta.getMessages()));
        }
        json.setAll(writable(state.getSpec()));
        json.put("paused_note", state.getPausedNote());
        putTime(json, "next_fire_at", state.getNextFireAt());
        putTime(json, "completed_at", state.getCompletedAt());
        var times = json.putArray("next_fire_times");
        Cadences.next(state, 5).forEach(t -> times.add(t.toString()));
        putTime(json, "last_fire_at", state.getLastFireAt());
        if (state.getLastFireId() == null) {
            json.putNull("last_fire");
        } else {
            ObjectNode last = json.putObject("last_fire");
            last.put("fire_id", state.getLastFireId());
            putTime(last, "at", state.getLastFireAt());
            last.put("outcome", state.getLastOutcome());
            last.put("letta_run_id", state.getLastLettaRunId());
            last.put("lateness_ms", state.getLastLatenessMs());
        }
        json.put("fire_count", state.getFireCount());
        json.putObject("counters")
                .put("fires", state.getFireCount())
                .put("manual_fires", state.getManualFireCount())
                .put("missed", state.getMissedCount())
                .put("delivered", state.getDeliveredCount())
                .put("failed", state.getFailureCount())
                .put("consecutive_failures", state.getConsecutiveFailures());
        putTime(json, "created_at", state.getCreatedAt());
        putTime(json, "updated_at", state.getUpdatedAt());
        return json;
    }

    static ObjectNode run(ExecutionResult r) {
        ObjectNode run = NODES.objectNode();
        run.put("fire_id", r.getFireId());
        run.put("schedule_id", r.getScheduleId());
        putTime(run, "scheduled_for", r.getScheduledFor());
        putTime(run, "started_at", r.getStartedAt());
        // A run's end keeps the delivery's time: the message was delivered even when its run failed later.
        putTime(run, "delivered_at", r.getOutcome() == Outcome.DELIVERED || r.getRunEnd() ? r.getFinishedAt() : null);
        run.put("outcome", r.getOutcome().name().toLowerCase(Locale.ROOT));
        run.put("attempt", r.getAttempt());
        if (r.getHttpStatus() == null) {
            run.putNull("http_status");
        } else {
            run.put("http_status", r.getHttpStatus());
        }
        run.put("letta_run_id", r.getLettaRunId());
        run.put("letta_run_status", r.getLettaRunStatus());
        putTime(run, "finished_at", r.getRunFinishedAt());
        if (r.getStopReason() != null) {
            run.put("stop_reason", r.getStopReason());
        }
        if (r.getOverlapped()) {
            run.put("overlapped", true);
        }
        run.put("target_type", r.getTargetType());
        run.put("manual", r.getManual());
        if (r.getDetail() != null) {
            run.put("detail", r.getDetail());
        }
        return run;
    }

    static ObjectNode runs(List<ExecutionResult> results, String nextCursor) {
        ObjectNode json = NODES.objectNode();
        var runs = json.putArray("runs");
        results.forEach(r -> runs.add(run(r)));
        json.put("next_cursor", nextCursor);
        return json;
    }

    static void putTime(ObjectNode json, String field, Instant time) {
        if (time == null) {
            json.putNull(field);
        } else {
            json.put(field, time.toString());
        }
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.letta.LettaMessagesJson;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders schedules and runs as the JSON of the /v1 API. Times are ISO-8601 in UTC. The API key is never rendered. */
final class ScheduleJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScheduleJson() {
    }

    static ObjectNode schedule(ScheduleState state) {
        ObjectNode json = NODES.objectNode();
        json.put("id", state.getScheduleId());
        json.put("version", state.getVersion());
        json.put("status", state.getStatus().name().toLowerCase(Locale.ROOT));
        if (state.getSpec().getTarget() instanceof LettaTarget target) {
            letta(json, target);
        } else {
            // Created straight on Kafka with a target this API version does not render yet.
            json.putObject("target").put("type", state.getSpec().getTarget().getClass().getSimpleName().replace("Target", "").toLowerCase(Locale.ROOT));
        }
        ObjectNode schedule = json.putObject("schedule");
        if (state.getSpec().getCadence() instanceof OnceCadence once) {
            schedule.put("type", "once");
            schedule.put("at", once.getAt().toString());
        } else if (state.getSpec().getCadence() instanceof CronCadence cron) {
            schedule.put("type", "cron");
            schedule.put("expression", cron.getExpression());
            schedule.put("timezone", cron.getTimezone());
        }
        ObjectNode labels = json.putObject("labels");
        state.getSpec().getLabels().forEach(labels::put);
        putTime(json, "next_fire_at", state.getNextFireAt());
        putTime(json, "last_fire_at", state.getLastFireAt());
        json.put("fire_count", state.getFireCount());
        putTime(json, "created_at", state.getCreatedAt());
        putTime(json, "updated_at", state.getUpdatedAt());
        return json;
    }

    private static void letta(ObjectNode json, LettaTarget target) {
        json.put("agent_id", target.getAgentId());
        json.set("messages", LettaMessagesJson.toJson(target.getMessages()));
        if (target.getMaxSteps() != null) {
            json.put("max_steps", target.getMaxSteps());
        }
        if (target.getCallbackUrl() != null) {
            json.put("callback_url", target.getCallbackUrl());
        }
        if (target.getIncludeReturnMessageTypes() != null) {
            var types = json.putArray("include_return_message_types");
            target.getIncludeReturnMessageTypes().forEach(types::add);
        }
    }

    static ObjectNode runs(List<ExecutionResult> results) {
        ObjectNode json = NODES.objectNode();
        var runs = json.putArray("runs");
        for (ExecutionResult r : results) {
            ObjectNode run = runs.addObject();
            run.put("fire_id", r.getFireId());
            putTime(run, "scheduled_for", r.getScheduledFor());
            putTime(run, "delivered_at", r.getOutcome() == Outcome.DELIVERED ? r.getFinishedAt() : null);
            run.put("outcome", r.getOutcome().name().toLowerCase(Locale.ROOT));
            run.put("attempt", r.getAttempt());
            if (r.getHttpStatus() == null) {
                run.putNull("http_status");
            } else {
                run.put("http_status", r.getHttpStatus());
            }
            run.put("letta_run_id", r.getLettaRunId());
            if (r.getDetail() != null) {
                run.put("detail", r.getDetail());
            }
        }
        return json;
    }

    private static void putTime(ObjectNode json, String field, Instant time) {
        if (time == null) {
            json.putNull(field);
        } else {
            json.put(field, time.toString());
        }
    }
}

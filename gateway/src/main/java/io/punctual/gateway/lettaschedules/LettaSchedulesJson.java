package io.punctual.gateway.lettaschedules;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.gateway.view.RunView;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleState;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The seed service's JSON: naive UTC timestamps ("2025-11-06T10:00:00"), one text message and its role. */
final class LettaSchedulesJson {
    private LettaSchedulesJson() {
    }

    static ObjectNode schedule(ScheduleState state, RunView runs) {
        LettaTarget target = (LettaTarget) state.getSpec().getTarget();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", state.getScheduleId());
        json.put("agent_id", target.getAgentId());
        if (state.getSpec().getCadence() instanceof CronCadence cron) {
            json.put("cron", cron.getExpression());
            json.put("timezone", cron.getTimezone());
        } else if (state.getSpec().getCadence() instanceof OnceCadence once) {
            json.put("execute_at", executeAt(once, state.getSpec().getDisplayOffsetSeconds()));
        }
        LettaMessage first = target.getMessages().get(0);
        json.put("message", text(first));
        json.put("role", first.getRole());
        json.put("created_at", naive(state.getCreatedAt()));
        // Added to the seed service's shape (which knows no pause): "active" or "paused" (auto-paused after
        // failures, or by hand on /v1), so a client of this door can see that a schedule stopped firing.
        json.put("status", state.getStatus().name().toLowerCase(Locale.ROOT));
        if (state.getSpec().getCadence() instanceof CronCadence) {
            json.put("last_run", state.getLastFireAt() == null ? null : naive(state.getLastFireAt()));
        }
        return json;
    }

    /**
     * A result as that service showed it: what was sent, taken from the run itself, so it stays true after the
     * schedule changed or went. Results written before runs carried it fall back to the schedule as it is now.
     */
    static ObjectNode result(ExecutionResult result, ScheduleState schedule) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("schedule_id", result.getScheduleId());
        json.put("schedule_type", result.getCadenceType() != null ? scheduleType(result.getCadenceType())
                : schedule == null ? null : schedule.getSpec().getCadence() instanceof OnceCadence ? "one-time" : "recurring");
        json.put("run_id", result.getLettaRunId());
        json.put("agent_id", result.getAgentId());
        json.put("message", result.getMessageText() != null ? result.getMessageText()
                : schedule != null && schedule.getSpec().getTarget() instanceof LettaTarget t ? text(t.getMessages().get(0)) : null);
        json.put("executed_at", naive(result.getFinishedAt()));
        return json;
    }

    private static String scheduleType(String cadenceType) {
        return cadenceType.equals("once") ? "one-time" : "recurring";
    }

    /** The instant in the offset it was given with (kept with the schedule), else in UTC. */
    private static String executeAt(OnceCadence once, Integer offsetSeconds) {
        if (offsetSeconds == null) {
            return once.getAt().toString();
        }
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetSeconds);
        return OffsetDateTime.ofInstant(once.getAt(), offset).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** A delivered fire of a Letta target: what that service stored as a result. */
    static boolean isExecution(ExecutionResult r) {
        return r.getOutcome() == Outcome.DELIVERED && "letta".equals(r.getTargetType());
    }

    private static String text(LettaMessage message) {
        Object content = message.getContent();
        return content instanceof CharSequence s ? s.toString() : String.valueOf(content);
    }

    private static String naive(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC).toString();
    }
}

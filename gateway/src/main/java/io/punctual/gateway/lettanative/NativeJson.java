package io.punctual.gateway.lettanative;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.view.ScheduleSummary;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** Letta's ScheduledMessage shape. */
final class NativeJson {
    private NativeJson() {
    }

    /** Shown by this door: a Letta target to this agent, once or cron, and (for one-time) not yet run. */
    static boolean isShown(ScheduleState s, String agentId) {
        if (!(s.getSpec().getTarget() instanceof LettaTarget t) || !t.getAgentId().equals(agentId)) {
            return false;
        }
        Object cadence = s.getSpec().getCadence();
        if (cadence instanceof OnceCadence) {
            return s.getStatus() != ScheduleStatus.COMPLETED;
        }
        return cadence instanceof CronCadence;
    }

    /** The same rule on a list's index entry (read from the agent's index, so the agent already matches). */
    static boolean isShown(ScheduleSummary s) {
        return s.agentId() != null && (s.type().equals("once") ? !s.status().equals("completed") : s.type().equals("cron"));
    }

    static ScheduledMessage scheduledMessage(ScheduleState s) {
        LettaTarget target = (LettaTarget) s.getSpec().getTarget();
        Message message = new Message(LettaMessagesJson.toJson(target.getMessages()), target.getCallbackUrl(),
                target.getMaxSteps(), target.getIncludeReturnMessageTypes());
        // Letta's shape has no status; "nothing is due" is how it says a schedule will not fire, so a paused
        // schedule (auto-paused after failures, or by hand on /v1) shows null until it is resumed.
        boolean due = s.getStatus() == ScheduleStatus.ACTIVE && s.getNextFireAt() != null;
        Schedule schedule;
        if (s.getSpec().getCadence() instanceof OnceCadence once) {
            schedule = new OneTime("one-time", once.getAt().toEpochMilli());
        } else if (s.getSpec().getCadence() instanceof CronCadence cron) {
            schedule = new Recurring("recurring", cron.getExpression());
        } else {
            throw new IllegalArgumentException("not shown by this door: " + s.getScheduleId());
        }
        return new ScheduledMessage(s.getScheduleId(), target.getAgentId(), message,
                due ? s.getNextFireAt().toString() : null, schedule);
    }

    // Every field is written, nulls included (the gateway's Jackson would drop them), as Letta writes them.

    /** A message scheduled for an agent; {@code next_scheduled_time} is null when nothing is due. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record ScheduledMessage(String id, String agentId, Message message, @Nullable String nextScheduledTime, Schedule schedule) {
    }

    /** What is sent to the agent. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Message(JsonNode messages, @Nullable String callbackUrl, @Nullable Integer maxSteps,
                   @Nullable List<String> includeReturnMessageTypes) {
    }

    /** When: one-time (at {@code scheduled_at}, epoch milliseconds) or recurring (by a cron expression). */
    @Schema(oneOf = {OneTime.class, Recurring.class})
    sealed interface Schedule permits OneTime, Recurring {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record OneTime(String type, long scheduledAt) implements Schedule {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Recurring(String type, String cronExpression) implements Schedule {
    }

    /** The answer to a create; {@code next_scheduled_at} is null when nothing is due. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Created(String id, @Nullable String nextScheduledAt) {
    }

    /** A page of an agent's scheduled messages. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Page(boolean hasNextPage, List<ScheduledMessage> scheduledMessages) {
    }

    /** The answer to a delete. */
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Deleted(boolean success) {
    }
}

package io.punctual.gateway.lettaschedules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Nullable;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleState;
import io.swagger.v3.oas.annotations.media.Schema;

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

    /** A schedule of this door: a cron (recurring) or once (one-time) cadence, as the door's routes select. */
    static Schedule schedule(ScheduleState state) {
        LettaTarget target = (LettaTarget) state.getSpec().getTarget();
        LettaMessage first = target.getMessages().get(0);
        // status is added to the seed service's shape (which knows no pause): "active" or "paused" (auto-paused
        // after failures, or by hand on /v1), so a client of this door can see that a schedule stopped firing.
        String status = state.getStatus().name().toLowerCase(Locale.ROOT);
        if (state.getSpec().getCadence() instanceof CronCadence cron) {
            return new Recurring(state.getScheduleId(), target.getAgentId(), cron.getExpression(), cron.getTimezone(),
                    text(first), first.getRole(), naive(state.getCreatedAt()), status,
                    state.getLastFireAt() == null ? null : naive(state.getLastFireAt()));
        } else if (state.getSpec().getCadence() instanceof OnceCadence once) {
            return new OneTime(state.getScheduleId(), target.getAgentId(), executeAt(once, state.getSpec().getDisplayOffsetSeconds()),
                    text(first), first.getRole(), naive(state.getCreatedAt()), status);
        }
        throw new IllegalArgumentException("not a schedule of this door: " + state.getScheduleId());
    }

    /**
     * A result as that service showed it: what was sent, taken from the run itself, so it stays true after the
     * schedule changed or went. Results written before runs carried it fall back to the schedule as it is now.
     */
    static Result result(ExecutionResult result, ScheduleState schedule) {
        return new Result(result.getScheduleId(),
                result.getCadenceType() != null ? scheduleType(result.getCadenceType())
                        : schedule == null ? null : schedule.getSpec().getCadence() instanceof OnceCadence ? "one-time" : "recurring",
                result.getLettaRunId(), result.getAgentId(),
                result.getMessageText() != null ? result.getMessageText()
                        : schedule != null && schedule.getSpec().getTarget() instanceof LettaTarget t ? text(t.getMessages().get(0)) : null,
                naive(result.getFinishedAt()));
    }

    // Every field is written, nulls included (the gateway's Jackson would drop them), as that service wrote them.

    /** A schedule of this door. */
    @Schema(oneOf = {Recurring.class, OneTime.class})
    sealed interface Schedule permits Recurring, OneTime {
    }

    /** A recurring schedule; {@code last_run} is null before its first fire. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Recurring(String id, String agentId, String cron, @Nullable String timezone, String message, String role,
                     String createdAt, String status, @Nullable String lastRun) implements Schedule {
    }

    /** A one-time schedule; {@code execute_at} keeps the offset it was given with. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record OneTime(String id, String agentId, String executeAt, String message, String role,
                   String createdAt, String status) implements Schedule {
    }

    /** The last execution of a schedule. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Result(String scheduleId, @Nullable String scheduleType, @Nullable String runId, @Nullable String agentId,
                  @Nullable String message, String executedAt) {
    }

    /** The answer to a delete. */
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Deleted(String message) {
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

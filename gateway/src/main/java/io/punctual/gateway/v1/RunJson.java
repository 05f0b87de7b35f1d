package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Nullable;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;

import java.util.List;
import java.util.Locale;

/**
 * One attempt of a fire as the /v1 API shows it. Times are ISO-8601 in UTC; a field without a value is null, except
 * {@code stop_reason}, {@code overlapped} (true only) and {@code detail}, which are absent then.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
record RunJson(
        String fireId,
        String scheduleId,
        String scheduledFor,
        String startedAt,
        @Nullable String deliveredAt,
        String outcome,
        int attempt,
        @Nullable Integer httpStatus,
        @Nullable String lettaRunId,
        @Nullable String lettaRunStatus,
        @Nullable String finishedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String stopReason,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean overlapped,
        String targetType,
        boolean manual,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String detail) {

    static RunJson of(ExecutionResult r) {
        // A run's end keeps the delivery's time: the message was delivered even when its run failed later.
        boolean delivered = r.getOutcome() == Outcome.DELIVERED || r.getRunEnd();
        return new RunJson(r.getFireId(), r.getScheduleId(), IsoInstants.format(r.getScheduledFor()), IsoInstants.format(r.getStartedAt()),
                delivered ? ScheduleFields.time(r.getFinishedAt()) : null, r.getOutcome().name().toLowerCase(Locale.ROOT),
                r.getAttempt(), r.getHttpStatus(), r.getLettaRunId(), r.getLettaRunStatus(), ScheduleFields.time(r.getRunFinishedAt()),
                r.getStopReason(), r.getOverlapped() ? Boolean.TRUE : null, r.getTargetType(), r.getManual(), r.getDetail());
    }

    /** A page of a schedule's runs; {@code next_cursor} is null on the last page. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Page(List<RunJson> runs, @Nullable String nextCursor) {
    }

    /** A fire: its latest attempt, and every attempt in {@code attempts}. */
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record WithAttempts(@JsonUnwrapped RunJson latest, List<RunJson> attempts) {
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Nullable;
import io.punctual.schemas.ScheduleState;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A schedule as the /v1 API shows it: its writable fields (as a create request gives them) and what the planner
 * keeps about it. Times are ISO-8601 in UTC; a field without a value is null. Secrets are never shown.
 */
// Every field is written, nulls and empty collections included (the gateway's Jackson would drop them): clients
// read a field's null as "none". agent_id and messages are the Letta short form, present for Letta targets only.
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
record ScheduleJson(
        String id,
        long version,
        String status,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String agentId,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable JsonNode messages,
        @JsonUnwrapped ScheduleFields fields,
        @Nullable String pausedNote,
        @Nullable String nextFireAt,
        @Nullable String completedAt,
        List<String> nextFireTimes,
        @Nullable String lastFireAt,
        @Nullable LastFire lastFire,
        long fireCount,
        Counters counters,
        String createdAt,
        String updatedAt) {

    static ScheduleJson of(ScheduleState state) {
        ScheduleFields fields = ScheduleFields.of(state.getSpec());
        // The short form too, so clients of the first API version keep reading agent_id and messages: the target's
        // own messages, rendered once for both places (a page renders 50 schedules).
        TargetJson.Letta letta = fields.target() instanceof TargetJson.Letta l ? l : null;
        return new ScheduleJson(state.getScheduleId(), state.getVersion(), state.getStatus().name().toLowerCase(Locale.ROOT),
                letta == null ? null : letta.agentId(), letta == null ? null : letta.messages(),
                fields, state.getPausedNote(),
                time(state.getNextFireAt()), time(state.getCompletedAt()),
                Cadences.next(state, 5).stream().map(IsoInstants::format).toList(),
                time(state.getLastFireAt()),
                state.getLastFireId() == null ? null : new LastFire(state.getLastFireId(), time(state.getLastFireAt()),
                        state.getLastOutcome(), state.getLastLettaRunId(), state.getLastLatenessMs()),
                state.getFireCount(),
                new Counters(state.getFireCount(), state.getManualFireCount(), state.getMissedCount(),
                        state.getDeliveredCount(), state.getFailureCount(), state.getConsecutiveFailures()),
                time(state.getCreatedAt()), time(state.getUpdatedAt()));
    }

    private static String time(@Nullable Instant time) {
        return ScheduleFields.time(time);
    }

    /** The last fire emitted. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record LastFire(String fireId, @Nullable String at, @Nullable String outcome, @Nullable String lettaRunId, long latenessMs) {
    }

    /** What happened to the schedule's fires so far. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Counters(long fires, long manualFires, long missed, long delivered, long failed, int consecutiveFailures) {
    }

    /** A page of schedules; {@code next_cursor} is null on the last page. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Page(List<ScheduleJson> schedules, @Nullable String nextCursor) {
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.body.WrongType;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The body of a {@code /v1} create or replace, and what a merge patch must produce. A Letta target may be given in
 * its short form instead of {@code target}: {@code agent_id} + {@code messages} (and their options) at the top level.
 * An absent field and a null one are the same.
 */
// The short form is checked as a TargetBody.Letta at the top level; defaults are applied in ScheduleRequest. This
// Javadoc is the OpenAPI document's description of the body.
@Introspected
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ScheduleBody(
        @WrongType(TargetBody.AGENT_ID_WORDING) @Nullable String agentId,
        @Nullable JsonNode messages,
        @WrongType("must be a positive integer") @Nullable Integer maxSteps,
        @Nullable String callbackUrl,
        @Nullable List<String> includeReturnMessageTypes,
        @Nullable TargetBody target,
        @Nullable CadenceBody schedule,
        @Nullable String timezone,
        @WrongType(INSTANT_WORDING) @Nullable Instant startAt,
        @WrongType(INSTANT_WORDING) @Nullable Instant endAt,
        @WrongType("must be a positive integer") @Nullable @Positive(message = "must be a positive integer") Long maxRuns,
        @WrongType(CATCHUP_WORDING) @Nullable @Pattern(regexp = "skip|fire_once|fire_all", message = CATCHUP_WORDING) String catchup,
        @WrongType(DURATION_WORDING) @Nullable @DurationText(message = DURATION_WORDING) String catchupWindow,
        @WrongType(DURATION_WORDING) @Nullable @DurationText(message = DURATION_WORDING) String jitter,
        @WrongType(OVERLAP_WORDING) @Nullable @Pattern(regexp = "allow|skip", message = OVERLAP_WORDING) String overlap,
        @Nullable Retry retry,
        @WrongType("must be a non-negative integer") @Nullable
        @PositiveOrZero(message = "must be a non-negative integer") @Max(value = Integer.MAX_VALUE, message = "is too large") Long pauseAfterFailures,
        @Nullable Boolean deleteAfterCompletion,
        @Nullable Boolean paused,
        @Nullable String pausedNote,
        @Nullable Map<String, String> labels,
        @Nullable Boolean retryOnRunFailure,
        @Nullable TargetBody.Webhook notifyWebhook) {
    /** The fields of the Letta short form. */
    static final List<String> SHORT_FORM = List.of("agent_id", "messages", "max_steps", "callback_url", "include_return_message_types");
    static final String INSTANT_WORDING = "must be an ISO-8601 instant with an offset or Z (e.g. 2026-12-01T09:00:00+01:00)";
    static final String DURATION_WORDING = "must be a duration such as \"30s\", \"15m\", \"2h\" or \"1d\"";
    // The Avro enums' symbols in lower case (CatchupPolicy, OverlapPolicy).
    static final String CATCHUP_WORDING = "must be one of skip, fire_once, fire_all";
    static final String OVERLAP_WORDING = "must be one of allow, skip";

    /** Whether any field of the Letta short form is given. */
    boolean hasShortForm() {
        return agentId != null || messages != null || maxSteps != null || callbackUrl != null || includeReturnMessageTypes != null;
    }

    /** The short form as the Letta target it stands for. */
    TargetBody.Letta shortForm() {
        return new TargetBody.Letta(agentId, messages, null, maxSteps, callbackUrl, includeReturnMessageTypes);
    }

    /** Retries of one fire: attempts and how long after the fire's time they may go on. */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @WrongType("must be an object such as {\"max_attempts\": 5, \"max_age\": \"1h\"}")
    record Retry(
            @WrongType(ATTEMPTS_WORDING) @Nullable
            @Min(value = 1, message = ATTEMPTS_WORDING) @Max(value = 100, message = ATTEMPTS_WORDING) Integer maxAttempts,
            @WrongType(AGE_WORDING) @Nullable @DurationText(message = AGE_WORDING) String maxAge) {
        static final String ATTEMPTS_WORDING = "must be an integer from 1 to 100";
        static final String AGE_WORDING = "must be a duration such as \"1h\"";
    }
}

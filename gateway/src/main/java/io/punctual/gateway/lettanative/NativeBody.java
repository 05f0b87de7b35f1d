package io.punctual.gateway.lettanative;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.body.UnknownFieldWording;
import io.punctual.gateway.body.WrongType;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/**
 * Letta's create body for a scheduled message: the message options (checked by the /v1 rules for a Letta target)
 * and a one-time (epoch ms) or recurring (UTC cron) schedule.
 */
@Introspected
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@UnknownFieldWording("is not a known field")
record NativeBody(
        @Nullable JsonNode messages,
        @Nullable Schedule schedule,
        @Nullable String callbackUrl,
        @WrongType("must be a positive integer") @Nullable Integer maxSteps,
        @Nullable List<String> includeReturnMessageTypes) {
    static final String SCHEDULE_WORDING = "must be {\"type\": \"one-time\", \"scheduled_at\": <epoch ms>} or {\"type\": \"recurring\", \"cron_expression\": \"0 9 * * 1-5\"}";

    /** The schedule; its {@code type} defaults to one-time, as Letta's does. Other fields in it are ignored, as there. */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @WrongType(SCHEDULE_WORDING)
    record Schedule(
            @WrongType(TYPE_WORDING) @Nullable @Pattern(regexp = "one-time|recurring", message = TYPE_WORDING) String type,
            @WrongType(AT_WORDING) @Nullable Double scheduledAt,
            @WrongType(CRON_WORDING) @Nullable String cronExpression) {
        static final String TYPE_WORDING = "must be one-time or recurring";
        static final String AT_WORDING = "must be a Unix time in milliseconds";
        static final String CRON_WORDING = "must be a cron expression such as 0 9 * * 1-5";

        boolean recurring() {
            return "recurring".equals(type);
        }
    }
}

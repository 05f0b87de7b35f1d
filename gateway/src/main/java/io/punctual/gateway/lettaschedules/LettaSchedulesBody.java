package io.punctual.gateway.lettaschedules;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.body.UnknownFieldWording;
import io.punctual.gateway.body.WrongType;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * The create bodies of the Letta Schedules service, as it took them: an agent, one text message and its role, and
 * a cron expression in a zone or an ISO 8601 instant. The caller's key may be given in the body ({@code api_key}).
 */
sealed interface LettaSchedulesBody permits LettaSchedulesBody.Recurring, LettaSchedulesBody.OneTime {
    String REQUIRED = "is required and must be a non-empty string";
    /** A blank agent id is told it is required, not that it is malformed. */
    String BLANK_OR_AGENT_ID = "\\s*|[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}";
    String AGENT_ID_WORDING = "must be a Letta agent id such as agent-123";
    /** Optional, but not blank when given. */
    String NOT_BLANK = "(?s).*\\S.*";
    String ROLE_WORDING = "must be one of user, system, assistant";

    String agentId();

    @Nullable
    String apiKey();

    String message();

    /** The role, {@code user} if none is given. */
    String role();

    /** {@code POST /schedules/recurring}. */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @UnknownFieldWording("is not a known field")
    record Recurring(
            @WrongType(REQUIRED) @NotBlank(message = REQUIRED) @Pattern(regexp = BLANK_OR_AGENT_ID, message = AGENT_ID_WORDING) String agentId,
            @Nullable String apiKey,
            @WrongType(REQUIRED) @NotBlank(message = REQUIRED) String cron,
            @WrongType(REQUIRED) @NotBlank(message = REQUIRED) String message,
            @WrongType(REQUIRED) @Nullable @Pattern(regexp = "user|system|assistant", message = ROLE_WORDING) String role,
            @WrongType(REQUIRED) @Nullable @Pattern(regexp = NOT_BLANK, message = REQUIRED) String timezone) implements LettaSchedulesBody {

        @Override
        public String role() {
            return role == null ? "user" : role;
        }

        /** The zone of the cron expression, UTC if none is given. */
        @Override
        public String timezone() {
            return timezone == null ? "UTC" : timezone;
        }
    }

    /** {@code POST /schedules/one-time}. */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @UnknownFieldWording("is not a known field")
    record OneTime(
            @WrongType(REQUIRED) @NotBlank(message = REQUIRED) @Pattern(regexp = BLANK_OR_AGENT_ID, message = AGENT_ID_WORDING) String agentId,
            @Nullable String apiKey,
            @WrongType(REQUIRED) @NotBlank(message = REQUIRED) String executeAt,
            @WrongType(REQUIRED) @NotBlank(message = REQUIRED) String message,
            @WrongType(REQUIRED) @Nullable @Pattern(regexp = "user|system|assistant", message = ROLE_WORDING) String role) implements LettaSchedulesBody {

        @Override
        public String role() {
            return role == null ? "user" : role;
        }
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.body.UnreadableVariant;
import io.punctual.gateway.body.WrongType;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.OnceCadence;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** When a schedule fires: once, by a cron expression or at an interval, told apart by {@code type}. */
// Whether a cron expression, a zone or an instant is acceptable is the planner's call (Cadences.check).
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = CadenceBody.Unreadable.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = CadenceBody.Once.class, name = "once"),
        @JsonSubTypes.Type(value = CadenceBody.Cron.class, name = "cron"),
        @JsonSubTypes.Type(value = CadenceBody.Interval.class, name = "interval")})
@WrongType(CadenceBody.WORDING)
sealed interface CadenceBody permits CadenceBody.Once, CadenceBody.Cron, CadenceBody.Interval, CadenceBody.Unreadable {
    String WORDING = "must be an object such as {\"type\": \"once\", \"at\": \"2026-12-01T09:00:00+01:00\"}, "
            + "{\"type\": \"cron\", \"expression\": \"*/5 * * * *\", \"timezone\": \"UTC\"} or {\"type\": \"interval\", \"every\": \"15m\"}";

    /** The Avro cadence, or null after adding what is wrong to {@code errors}; {@code defaultZone} is the request's {@code timezone}. */
    @Nullable
    Object toAvro(@Nullable String defaultZone, List<FieldError> errors);

    /** One fire at an instant. */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Once(@NotNull(message = AT_WORDING) Instant at) implements CadenceBody {
        static final String AT_WORDING = "must be an ISO-8601 instant with an offset or Z (e.g. 2026-12-01T09:00:00+01:00), or epoch milliseconds";

        @Override
        public OnceCadence toAvro(@Nullable String defaultZone, List<FieldError> errors) {
            return at == null ? null : OnceCadence.newBuilder().setAt(at).build();
        }
    }

    /** Fires by a cron expression in a zone (the request's {@code timezone}, else UTC). */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Cron(
            @WrongType(EXPRESSION_WORDING) @NotBlank(message = EXPRESSION_WORDING) String expression,
            @WrongType("must be an IANA time zone name such as Europe/Berlin") @Nullable String timezone) implements CadenceBody {
        static final String EXPRESSION_WORDING = "must be a cron expression such as */5 * * * *";

        @Override
        public CronCadence toAvro(@Nullable String defaultZone, List<FieldError> errors) {
            if (expression == null || expression.isBlank()) {
                return null;
            }
            String zone = timezone != null ? timezone : defaultZone == null ? "UTC" : defaultZone;
            return CronCadence.newBuilder().setExpression(expression.trim()).setTimezone(zone).build();
        }
    }

    /** Fires every period from an anchor (the creation time if none is given). */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Interval(
            @WrongType(EVERY_WORDING) @NotNull(message = EVERY_WORDING) @DurationText(message = EVERY_WORDING) String every,
            @WrongType("must be an ISO-8601 instant with an offset or Z") @Nullable Instant anchor) implements CadenceBody {
        static final String EVERY_WORDING = "must be a duration of at least 1s such as \"15m\" (units s, m, h, d)";

        @Override
        public IntervalCadence toAvro(@Nullable String defaultZone, List<FieldError> errors) {
            Duration period = every == null ? null : Durations.parse(every);
            if (period == null) {
                return null;
            }
            if (period.toMillis() < 1000) {
                errors.add(new FieldError("schedule.every", EVERY_WORDING));
                return null;
            }
            return IntervalCadence.newBuilder().setEveryMs(period.toMillis()).setAnchor(anchor).build();
        }
    }

    /** Stands for a schedule that is not an object or has no known type (already named in the errors). */
    @Introspected
    @JsonDeserialize(using = Unreadable.Reader.class)
    record Unreadable() implements CadenceBody {
        @Override
        public Object toAvro(@Nullable String defaultZone, List<FieldError> errors) {
            return null;
        }

        static final class Reader extends UnreadableVariant<Unreadable> {
            Reader() {
                super(CadenceBody.class, new Unreadable());
            }
        }
    }
}

package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Nullable;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.OnceCadence;
import io.swagger.v3.oas.annotations.media.Schema;

/** The {@code schedule} of a schedule as the API shows it: once, cron or interval, told apart by {@code type}. */
@Schema(oneOf = {CadenceJson.Once.class, CadenceJson.Cron.class, CadenceJson.Interval.class})
sealed interface CadenceJson permits CadenceJson.Once, CadenceJson.Cron, CadenceJson.Interval {

    /** The cadence of a stored schedule (a union of these three in the Avro contract). */
    static CadenceJson of(Object cadence) {
        if (cadence instanceof OnceCadence once) {
            return new Once("once", IsoInstants.format(once.getAt()));
        } else if (cadence instanceof CronCadence cron) {
            return new Cron("cron", cron.getExpression(), cron.getTimezone());
        } else if (cadence instanceof IntervalCadence interval) {
            return new Interval("interval", Durations.format(interval.getEveryMs()),
                    IsoInstants.format(interval.getAnchor()));
        }
        throw new IllegalArgumentException("not a cadence: " + cadence);
    }

    /** One fire at an instant. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Once(String type, String at) implements CadenceJson {
    }

    /** Fires by a cron expression in a time zone. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Cron(String type, String expression, @Nullable String timezone) implements CadenceJson {
    }

    /** Fires every {@code every}, counted from {@code anchor} (absent when none was given). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Interval(String type, String every,
                    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String anchor) implements CadenceJson {
    }
}

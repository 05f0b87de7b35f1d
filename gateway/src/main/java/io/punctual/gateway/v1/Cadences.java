package io.punctual.gateway.v1;

import io.punctual.gateway.problem.FieldError;
import io.punctual.cadence.CadenceProblem;
import io.punctual.cadence.InvalidCadenceException;
import io.punctual.cadence.NextFireCalculator;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The gateway's look at timing, through the planner's own calculator, so the gateway never disagrees with the
 * planner about a cron expression, a zone, an interval or a bound, and next_fire_times are the planner's.
 */
public final class Cadences {
    /** No grace here: a one-time instant in the past is the caller's mistake (the planner allows some for clock skew). */
    private static final NextFireCalculator PLANNER = new NextFireCalculator(Duration.ZERO);

    private Cadences() {
    }

    /** The /v1 field each of the planner's problems is about. */
    static String v1Field(CadenceProblem problem) {
        return switch (problem) {
            case INVALID_TIMEZONE -> "schedule.timezone";
            case INVALID_INTERVAL -> "schedule.every";
            case IN_THE_PAST -> "schedule.at";
            case END_BEFORE_START -> "end_at";
            case NEVER_FIRES -> "end_at";
            default -> "schedule.expression";
        };
    }

    /** Adds what the planner would refuse about the spec if it were created now, under the door's field names. */
    public static void check(ScheduleSpec spec, Instant now, Function<CadenceProblem, String> field, List<FieldError> errors) {
        try {
            PLANNER.first(spec, now, now, null);
        } catch (InvalidCadenceException e) {
            errors.add(new FieldError(field.apply(e.problem()), e.getMessage()));
        } catch (RuntimeException e) {
            errors.add(new FieldError(field.apply(CadenceProblem.INVALID_CRON), "cannot be evaluated: " + e.getMessage()));
        }
    }

    /** The next {@code count} nominal fire times, from the planner's next one. */
    static List<Instant> next(ScheduleState state, int count) {
        List<Instant> out = new ArrayList<>();
        if (state.getStatus() != ScheduleStatus.ACTIVE && state.getStatus() != ScheduleStatus.PAUSED) {
            return out;
        }
        ScheduleSpec spec = state.getSpec();
        long remaining = spec.getMaxRuns() == null ? Long.MAX_VALUE : spec.getMaxRuns() - state.getFireCount();
        Optional<Instant> at = Optional.ofNullable(state.getNextFireAt());
        while (at.isPresent() && out.size() < count && remaining-- > 0) {
            out.add(at.get());
            at = PLANNER.after(spec, state.getCreatedAt(), at.get());
        }
        return out;
    }
}

package io.punctual.cadence;

import com.cronutils.model.time.ExecutionTime;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * When a schedule fires: its nominal fire times, within its start_at/end_at window. Cadences are the union of the
 * schema ({@link OnceCadence}, {@link CronCadence}, {@link IntervalCadence}); a new kind is a new branch here.
 * How many fires a schedule has left (max_runs) and what happens to fires that were missed are the caller's.
 */
public final class NextFireCalculator {
    private static final Logger LOG = LoggerFactory.getLogger(NextFireCalculator.class);
    private static final int CACHED_EXPRESSIONS = 1024;
    static final long MIN_INTERVAL_MS = 1000;

    private final Duration onceGrace;
    private final CronExpressions crons = new CronExpressions(CACHED_EXPRESSIONS);

    public NextFireCalculator(Duration onceGrace) {
        this.onceGrace = onceGrace;
    }

    /**
     * Checks that the spec's timing can be scheduled at {@code now} (created, replaced or patched then) and returns
     * its first fire: for a one-time cadence its instant (which may lie up to the grace in the past), for the others
     * the first fire strictly after {@code now} and after {@code lastFireAt} (so a change never repeats a fire),
     * and not before start_at.
     */
    public Instant first(ScheduleSpec spec, Instant createdAt, Instant now, Instant lastFireAt) throws InvalidCadenceException {
        Object cadence = spec.getCadence();
        Instant startAt = spec.getStartAt();
        Instant endAt = spec.getEndAt();
        if (startAt != null && endAt != null && !endAt.isAfter(startAt)) {
            throw new InvalidCadenceException(CadenceProblem.END_BEFORE_START,
                    "end_at " + endAt + " is not after start_at " + startAt + ".");
        }
        if (cadence instanceof OnceCadence once) {
            Instant at = once.getAt();
            if (at.isBefore(now.minus(onceGrace))) {
                throw new InvalidCadenceException(CadenceProblem.IN_THE_PAST,
                        "The schedule's time " + at + " is more than " + onceGrace.toSeconds() + " s in the past.");
            }
            if ((startAt != null && at.isBefore(startAt)) || (endAt != null && at.isAfter(endAt))) {
                throw new InvalidCadenceException(CadenceProblem.NEVER_FIRES,
                        "The schedule's time " + at + " lies outside its start_at/end_at window, so it would never fire.");
            }
            return at;
        }
        if (endAt != null && !endAt.isAfter(now)) {
            throw new InvalidCadenceException(CadenceProblem.IN_THE_PAST, "end_at " + endAt + " is in the past.");
        }
        validateRecurring(cadence);
        Instant from = lastFireAt != null && lastFireAt.isAfter(now) ? lastFireAt : now;
        if (startAt != null && startAt.isAfter(from)) {
            from = startAt.minusMillis(1);
        }
        Optional<Instant> next;
        try {
            next = unbounded(cadence, spec, createdAt, from);
        } catch (RuntimeException e) {
            throw new InvalidCadenceException(CadenceProblem.INVALID_CRON, "Cannot compute when the schedule fires: " + e.getMessage());
        }
        if (next.isEmpty()) {
            throw new InvalidCadenceException(CadenceProblem.INVALID_CRON, "The cron expression " + describe(cadence) + " never fires: it matches no date.");
        }
        if (endAt != null && next.get().isAfter(endAt)) {
            throw new InvalidCadenceException(CadenceProblem.NEVER_FIRES,
                    "The schedule's next fire " + next.get() + " is after its end_at " + endAt + ", so it would never fire.");
        }
        return next.get();
    }

    /**
     * The nominal fire after the one at {@code fired}, within end_at; empty when there is none.
     * A failure to compute it (a time-zone rule change, a library bug) ends the schedule rather than failing the
     * stream thread on every retry.
     */
    public Optional<Instant> after(ScheduleSpec spec, Instant createdAt, Instant fired) {
        Object cadence = spec.getCadence();
        if (cadence instanceof OnceCadence) {
            return Optional.empty();
        }
        Optional<Instant> next;
        try {
            next = unbounded(cadence, spec, createdAt, fired);
        } catch (RuntimeException e) {
            LOG.error("Cannot compute the next fire of {} after {}; the schedule ends here", cadence, fired, e);
            return Optional.empty();
        }
        Instant endAt = spec.getEndAt();
        return next.filter(t -> endAt == null || !t.isAfter(endAt));
    }

    /** The first nominal fire at or after {@code from}, within end_at. */
    public Optional<Instant> atOrAfter(ScheduleSpec spec, Instant createdAt, Instant from) {
        if (spec.getCadence() instanceof OnceCadence once) {
            return once.getAt().isBefore(from) ? Optional.empty() : Optional.of(once.getAt());
        }
        return after(spec, createdAt, from.minusMillis(1));
    }

    /**
     * The last nominal fire before {@code before} (and within end_at), found without stepping from {@code from},
     * a fire; empty when it cannot be found that way (then the caller stops at what it has stepped through).
     */
    public Optional<Instant> lastBefore(ScheduleSpec spec, Instant createdAt, Instant from, Instant before) {
        Object cadence = spec.getCadence();
        Instant limit = spec.getEndAt() == null || spec.getEndAt().isAfter(before) ? before : spec.getEndAt().plusMillis(1);
        try {
            if (cadence instanceof IntervalCadence interval) {
                OptionalLong n = countFrom(spec, from, before);
                return n.isPresent() && n.getAsLong() > 0 ? Optional.of(from.plusMillis((n.getAsLong() - 1) * interval.getEveryMs())) : Optional.empty();
            }
            if (cadence instanceof CronCadence cron) {
                return CronSequence.previous(crons.executionTime(cron.getExpression()), ZoneId.of(cron.getTimezone()), limit)
                        .filter(t -> !t.isBefore(from));
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot compute the last fire of {} before {}", cadence, before, e);
        }
        return Optional.empty();
    }

    /**
     * How many fires lie from {@code from} (a fire, counted) up to {@code before} (excluded) and within end_at,
     * when that is arithmetic: interval cadences. Empty for the others.
     */
    public OptionalLong countFrom(ScheduleSpec spec, Instant from, Instant before) {
        if (!(spec.getCadence() instanceof IntervalCadence interval)) {
            return OptionalLong.empty();
        }
        Instant limit = spec.getEndAt() == null || spec.getEndAt().isAfter(before) ? before : spec.getEndAt().plusMillis(1);
        long span = limit.toEpochMilli() - from.toEpochMilli();
        return OptionalLong.of(span <= 0 ? 0 : Math.floorDiv(span - 1, interval.getEveryMs()) + 1);
    }

    private Optional<Instant> unbounded(Object cadence, ScheduleSpec spec, Instant createdAt, Instant after) {
        if (cadence instanceof CronCadence cron) {
            return CronSequence.next(crons.executionTime(cron.getExpression()), ZoneId.of(cron.getTimezone()), after);
        }
        if (cadence instanceof IntervalCadence interval) {
            return Optional.of(IntervalSequence.next(anchor(interval, spec, createdAt), interval.getEveryMs(), after));
        }
        throw new IllegalArgumentException("Unknown cadence " + (cadence == null ? "null" : cadence.getClass().getName()));
    }

    private static String describe(Object cadence) {
        return cadence instanceof CronCadence cron ? "'" + cron.getExpression() + "'" : String.valueOf(cadence);
    }

    /** Interval fires count from the cadence's anchor, else start_at, else the creation time. */
    static Instant anchor(IntervalCadence interval, ScheduleSpec spec, Instant createdAt) {
        if (interval.getAnchor() != null) {
            return interval.getAnchor();
        }
        return spec.getStartAt() != null ? spec.getStartAt() : createdAt;
    }

    private void validateRecurring(Object cadence) throws InvalidCadenceException {
        if (cadence instanceof CronCadence cron) {
            try {
                crons.executionTime(cron.getExpression());
            } catch (RuntimeException e) {
                throw new InvalidCadenceException(CadenceProblem.INVALID_CRON,
                        "Invalid cron expression '" + cron.getExpression() + "': " + e.getMessage());
            }
            zone(cron.getTimezone());
        } else if (cadence instanceof IntervalCadence interval) {
            if (interval.getEveryMs() < MIN_INTERVAL_MS) {
                throw new InvalidCadenceException(CadenceProblem.INVALID_INTERVAL,
                        "The interval must be at least 1 s; it is " + interval.getEveryMs() + " ms.");
            }
        } else {
            throw new IllegalArgumentException("Unknown cadence " + (cadence == null ? "null" : cadence.getClass().getName()));
        }
    }

    private static ZoneId zone(String timezone) throws InvalidCadenceException {
        if (timezone == null || timezone.isBlank()) {
            throw new InvalidCadenceException(CadenceProblem.INVALID_TIMEZONE, "The time zone is empty.");
        }
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new InvalidCadenceException(CadenceProblem.INVALID_TIMEZONE,
                    "Unknown time zone '" + timezone + "': " + e.getMessage());
        }
    }
}

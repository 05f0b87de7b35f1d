package io.punctual.planner.cadence;

import com.cronutils.model.time.ExecutionTime;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.OnceCadence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a cadence fires: first when a schedule is created (validating it), then after each fire.
 * Cadences are the union of the schema ({@link OnceCadence} or {@link CronCadence}); a new kind is a new branch here.
 */
public final class NextFireCalculator {
    private static final Logger LOG = LoggerFactory.getLogger(NextFireCalculator.class);
    private static final int CACHED_EXPRESSIONS = 1024;

    private final Duration onceGrace;
    private final CronExpressions crons = new CronExpressions(CACHED_EXPRESSIONS);

    public NextFireCalculator(Duration onceGrace) {
        this.onceGrace = onceGrace;
    }

    /** The first fire of a new schedule created at {@code now}. */
    public Instant first(Object cadence, Instant now) throws InvalidCadenceException {
        if (cadence instanceof OnceCadence once) {
            return firstOnce(once, now);
        }
        if (cadence instanceof CronCadence cron) {
            return firstCron(cron, now);
        }
        throw new IllegalArgumentException("Unknown cadence " + (cadence == null ? "null" : cadence.getClass().getName()));
    }

    /**
     * The fire after the one due at {@code fired}, handled at {@code now}; empty when there is none.
     * Counting from the later of the two coalesces the fires missed while the planner was behind (or down)
     * into the one late fire just emitted, instead of bursting them all out at once.
     */
    public Optional<Instant> after(Object cadence, Instant fired, Instant now) {
        if (cadence instanceof OnceCadence) {
            return Optional.empty();
        }
        if (cadence instanceof CronCadence cron) {
            Instant from = fired.isAfter(now) ? fired : now;
            try {
                return nextCron(crons.executionTime(cron.getExpression()), ZoneId.of(cron.getTimezone()), from);
            } catch (RuntimeException e) {
                // It was valid when the schedule was created; a failure now is a bug in the library or a time-zone
                // rule change. Ending the schedule beats failing the stream thread on every retry.
                LOG.error("Cannot compute the next fire of cron '{}' in {} after {}; the schedule ends here",
                        cron.getExpression(), cron.getTimezone(), from, e);
                return Optional.empty();
            }
        }
        throw new IllegalArgumentException("Unknown cadence " + (cadence == null ? "null" : cadence.getClass().getName()));
    }

    private Instant firstOnce(OnceCadence once, Instant now) throws InvalidCadenceException {
        Instant at = once.getAt();
        if (at.isBefore(now.minus(onceGrace))) {
            throw new InvalidCadenceException(CadenceProblem.IN_THE_PAST,
                    "The schedule's time " + at + " is more than " + onceGrace.toSeconds() + " s in the past.");
        }
        return at;
    }

    private Instant firstCron(CronCadence cron, Instant now) throws InvalidCadenceException {
        ExecutionTime executionTime;
        try {
            executionTime = crons.executionTime(cron.getExpression());
        } catch (RuntimeException e) {
            throw new InvalidCadenceException(CadenceProblem.INVALID_CRON,
                    "Invalid cron expression '" + cron.getExpression() + "': " + e.getMessage());
        }
        ZoneId zone = zone(cron.getTimezone());
        Optional<Instant> next;
        try {
            next = nextCron(executionTime, zone, now);
        } catch (RuntimeException e) {
            throw new InvalidCadenceException(CadenceProblem.INVALID_CRON,
                    "Cannot compute when cron expression '" + cron.getExpression() + "' fires: " + e.getMessage());
        }
        return next.orElseThrow(() -> new InvalidCadenceException(CadenceProblem.INVALID_CRON,
                "Cron expression '" + cron.getExpression() + "' never fires."));
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

    private static Optional<Instant> nextCron(ExecutionTime executionTime, ZoneId zone, Instant after) {
        return executionTime.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }
}

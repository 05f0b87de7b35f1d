package io.punctual.cadence;

import com.cronutils.model.time.ExecutionTime;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Steps a cron expression through local wall-clock time and maps each match to an instant with {@link LocalTimes}.
 * cron-utils is asked for matches on a zone without transitions (UTC standing in for the local clock), so its own
 * handling of gaps and overlaps never comes into play: evaluated in the zone, cron-utils 9.2.1 drops a local time
 * that falls in a gap and, across a fall-back, matches times within the repeated hour twice.
 */
final class CronSequence {
    /** Bounds the search for a match later than an instant inside a repeated hour (at most an hour of matches). */
    private static final int MAX_STEPS = 10_000;

    private CronSequence() {
    }

    /** The first fire strictly after {@code after}, or empty when the expression has no later match. */
    static Optional<Instant> next(ExecutionTime executionTime, ZoneId zone, Instant after) {
        LocalDateTime local = LocalDateTime.ofInstant(after, zone);
        for (int step = 0; step < MAX_STEPS; step++) {
            Optional<ZonedDateTime> match = executionTime.nextExecution(local.atZone(ZoneOffset.UTC));
            if (match.isEmpty()) {
                return Optional.empty();
            }
            local = match.get().toLocalDateTime();
            Instant instant = LocalTimes.toInstant(local, zone);
            // Inside the second occurrence of a repeated hour, matches of the hour map to its first occurrence,
            // which is already past: they fired then, so keep looking.
            if (instant.isAfter(after)) {
                return Optional.of(instant);
            }
        }
        throw new IllegalStateException("No cron match after " + after + " in " + zone + " within " + MAX_STEPS + " steps");
    }

    /**
     * The last fire strictly before {@code before}, without stepping through the fires before it; empty when the
     * expression has none or when cron-utils' answer is not confirmed by {@link #next} (a time-zone transition).
     */
    static Optional<Instant> previous(ExecutionTime executionTime, ZoneId zone, Instant before) {
        LocalDateTime local = LocalDateTime.ofInstant(before, zone);
        Optional<ZonedDateTime> match = executionTime.lastExecution(local.atZone(ZoneOffset.UTC));
        if (match.isEmpty()) {
            return Optional.empty();
        }
        Instant candidate = LocalTimes.toInstant(match.get().toLocalDateTime(), zone);
        if (!candidate.isBefore(before)) {
            return Optional.empty();
        }
        return next(executionTime, zone, candidate).filter(after -> after.isBefore(before)).isPresent()
                ? Optional.empty()
                : Optional.of(candidate);
    }
}

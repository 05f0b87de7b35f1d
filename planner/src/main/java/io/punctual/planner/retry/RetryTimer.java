package io.punctual.planner.retry;

import java.time.Instant;
import java.util.Objects;

/**
 * A delivery attempt the executor handed back: at {@code fireAt} the planner re-emits fire {@code fireId} as
 * attempt {@code attempt}. Everything else the due event needs comes from the schedule's spec at that moment.
 * {@code armedAt} tells a timer of a deleted schedule from one of a schedule later created again under the same id.
 */
public record RetryTimer(Instant fireAt, String scheduleId, String fireId, Instant scheduledFor, int attempt,
                         boolean manual, Instant armedAt, String notification) {
    /** A retry of a fire (not of a notification). */
    public RetryTimer(Instant fireAt, String scheduleId, String fireId, Instant scheduledFor, int attempt, boolean manual, Instant armedAt) {
        this(fireAt, scheduleId, fireId, scheduledFor, attempt, manual, armedAt, null);
    }

    public RetryTimer {
        Objects.requireNonNull(fireAt, "fireAt");
        Objects.requireNonNull(scheduleId, "scheduleId");
        Objects.requireNonNull(fireId, "fireId");
        Objects.requireNonNull(scheduledFor, "scheduledFor");
        Objects.requireNonNull(armedAt, "armedAt");
        if (attempt < 2) {
            throw new IllegalArgumentException("A retry is attempt 2 or later: " + attempt);
        }
    }

    /** The id under which the timer is indexed: one timer per attempt of a fire. */
    public String timerId() {
        return fireId + "#" + attempt;
    }
}

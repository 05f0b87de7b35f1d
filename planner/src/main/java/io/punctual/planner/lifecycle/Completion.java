package io.punctual.planner.lifecycle;

import io.punctual.planner.state.ScheduleStates;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;

import java.time.Duration;
import java.time.Instant;

/** When a schedule finished, and when the planner deletes it: pure functions of its state. */
public final class Completion {
    /**
     * How long after the last retry may start the planner still waits for that attempt's result before deleting: an
     * attempt starts within the retry policy's max age and the executor's request times out well within this.
     */
    static final Duration SETTLE_MARGIN = Duration.ofMinutes(5);

    private Completion() {
    }

    /** Active and paused schedules can still fire: they are what a tenant's quota counts. */
    public static boolean live(ScheduleState state) {
        return state != null && (state.getStatus() == ScheduleStatus.ACTIVE || state.getStatus() == ScheduleStatus.PAUSED);
    }

    /**
     * The state with {@code completed_at} set when it just became COMPLETED and cleared when it can fire again
     * (a patch that moves {@code end_at} or {@code max_runs}); the same state when nothing is to change.
     */
    public static ScheduleState stamped(ScheduleState state, Instant now) {
        boolean completed = state.getStatus() == ScheduleStatus.COMPLETED;
        if (completed == (state.getCompletedAt() != null)) {
            return state;
        }
        ScheduleState stamped = ScheduleStates.copy(state);
        stamped.setCompletedAt(completed ? now : null);
        return stamped;
    }

    /** When a COMPLETED schedule is due for deletion: at once with {@code delete_after_completion}, else after the retention. */
    public static Instant deleteAt(ScheduleState completed, Duration retention) {
        return completed.getSpec().getDeleteAfterCompletion() ? completed.getCompletedAt() : completed.getCompletedAt().plus(retention);
    }

    /**
     * Until when the schedule's last scheduled fire may still be retried, and so still needs the schedule (a retry
     * of a deleted schedule is dropped); null when no fire was ever emitted.
     */
    public static Instant lastFireSettlesBy(ScheduleState state) {
        if (state.getLastFireAt() == null) {
            return null;
        }
        return state.getLastFireAt().plusMillis(state.getSpec().getRetry().getMaxAgeMs()).plus(SETTLE_MARGIN);
    }
}

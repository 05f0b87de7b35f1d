package io.punctual.planner.outcome;

import io.punctual.planner.retry.RetryTimer;
import io.punctual.schemas.ScheduleState;

import java.util.Optional;

/** What one execution result does: the schedule's new state (null if unchanged) and a retry to arm, if any. */
public record Applied(ScheduleState state, Optional<RetryTimer> retry) {
}

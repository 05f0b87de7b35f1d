package io.punctual.planner.fire;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleState;

import java.util.Optional;

/** What a due timeline entry turned into: the event to deliver (none when the catch-up policy skipped it) and the schedule's state after it. */
public record Fired(Optional<DueEvent> event, ScheduleState state) {
}

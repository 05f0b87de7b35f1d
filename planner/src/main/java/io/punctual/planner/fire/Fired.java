package io.punctual.planner.fire;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleState;

/** One fire: the event to deliver and the schedule's state after it. */
public record Fired(DueEvent event, ScheduleState state) {
}

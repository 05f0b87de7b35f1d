package io.punctual.planner.command;

import io.punctual.schemas.ScheduleState;

/** What an accepted command does to the stored schedule. */
public sealed interface Change {

    /** Nothing: the command was rejected. */
    record None() implements Change {
    }

    /** Store {@code state}, replacing {@code previous} (null for a new schedule). */
    record Upsert(ScheduleState previous, ScheduleState state) implements Change {
    }

    /** Forget {@code previous}; {@code snapshot} is its last state, as reported to the sender. */
    record Removal(ScheduleState previous, ScheduleState snapshot) implements Change {
    }
}

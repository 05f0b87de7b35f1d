package io.punctual.planner.fire;

import io.punctual.schemas.fire.FireIds;

import java.time.Instant;

/**
 * Ids of fires asked for by trigger commands: {@code <schedule id>@<millis>:manual:<version>}. The version is the
 * one the trigger command produced, unique per schedule, so two triggers in the same millisecond still differ and a
 * manual fire never shares an id with a scheduled one.
 */
final class ManualFireIds {
    private ManualFireIds() {
    }

    static String of(String scheduleId, Instant now, long version) {
        return FireIds.of(scheduleId, now) + ":manual:" + version;
    }
}

package io.punctual.schemas.fire;

import java.time.Instant;

/** Fire ids are deterministic, so a replayed fire has the id of the original and can be recognised. */
public final class FireIds {
    private FireIds() {
    }

    /** The id of the scheduled fire of a schedule at its nominal time. */
    public static String of(String scheduleId, Instant nominalTime) {
        return scheduleId + "@" + nominalTime.toEpochMilli();
    }
}

package io.punctual.schemas.topic;

import io.punctual.schemas.LettaTarget;

/**
 * The key of a due event: the Letta agent id for a Letta target, so one agent's fires stay in order on one
 * partition and one executor; the schedule id for any other target.
 */
public final class DueKeys {
    private DueKeys() {
    }

    public static String of(Object target, String scheduleId) {
        return target instanceof LettaTarget letta ? letta.getAgentId() : scheduleId;
    }
}

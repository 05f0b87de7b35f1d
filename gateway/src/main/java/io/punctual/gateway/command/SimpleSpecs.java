package io.punctual.gateway.command;

import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;

import java.util.Map;

/**
 * Specs for the compatible doors, whose schedules are a Letta target and a cadence with every policy at its default
 * but one: they are never paused after failures ({@code pause_after_failures} 0), because those doors can neither
 * show a pause in their own terms nor resume (/v1 can, and can turn it on per schedule).
 */
public final class SimpleSpecs {
    private SimpleSpecs() {
    }

    public static ScheduleSpec letta(String tenant, LettaTarget target, Object cadence) {
        return ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target).setCadence(cadence).setLabels(Map.of())
                .setPauseAfterFailures(0).build();
    }
}

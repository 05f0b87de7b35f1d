package io.punctual.gateway.command;

import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;

import java.util.Map;

/** Specs for the compatible doors, whose schedules are a Letta target and a cadence with every policy at its default. */
public final class SimpleSpecs {
    private SimpleSpecs() {
    }

    public static ScheduleSpec letta(String tenant, LettaTarget target, Object cadence) {
        return ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target).setCadence(cadence).setLabels(Map.of()).build();
    }
}

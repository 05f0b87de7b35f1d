package io.punctual.planner.fire;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;

import java.time.Instant;

/**
 * Builds due events from the schedule as it is now: target and policies come from the current spec, so a retry
 * of an older fire delivers what the schedule says today (a rotated key, a fixed URL).
 */
public final class DueEvents {
    private DueEvents() {
    }

    public static DueEvent of(ScheduleState state, String fireId, Instant scheduledFor, int attempt, boolean manual,
                              int missedFires, Instant now) {
        ScheduleSpec spec = state.getSpec();
        return DueEvent.newBuilder()
                .setFireId(fireId)
                .setScheduleId(state.getScheduleId())
                .setTenant(spec.getTenant())
                .setCadenceType(cadenceType(spec.getCadence()))
                .setScheduledFor(scheduledFor)
                .setEmittedAt(now)
                .setAttempt(attempt)
                .setTarget(spec.getTarget())
                .setManual(manual)
                .setMissedFires(missedFires)
                .setOverlap(spec.getOverlap())
                .setPreviousLettaRunId(state.getLastLettaRunId())
                .setRetry(spec.getRetry())
                .setRetryOnRunFailure(spec.getRetryOnRunFailure())
                .build();
    }

    /** The cadence's kind as the contract names it (DueEvent.cadence_type). */
    private static String cadenceType(Object cadence) {
        return cadence instanceof OnceCadence ? "once" : cadence instanceof CronCadence ? "cron" : "interval";
    }
}

package io.punctual.planner.fire;

import io.punctual.planner.cadence.NextFireCalculator;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.fire.FireIds;

import java.time.Instant;
import java.util.Optional;

/** Turns a due schedule into its due event and its next state, without touching any store. */
public final class Firing {
    /** The planner asks for the first attempt; retries are the executor's. */
    private static final int FIRST_ATTEMPT = 1;

    private final NextFireCalculator nextFire;

    public Firing(NextFireCalculator nextFire) {
        this.nextFire = nextFire;
    }

    /**
     * @param state   the schedule, ACTIVE and due at {@code nominal}
     * @param nominal the fire time it was due at, which names the fire
     * @param now     the planner's clock
     */
    public Fired fire(ScheduleState state, Instant nominal, Instant now) {
        String fireId = FireIds.of(state.getScheduleId(), nominal);
        DueEvent event = DueEvent.newBuilder()
                .setFireId(fireId)
                .setScheduleId(state.getScheduleId())
                .setTenant(state.getSpec().getTenant())
                .setScheduledFor(nominal)
                .setEmittedAt(now)
                .setAttempt(FIRST_ATTEMPT)
                .setTarget(state.getSpec().getTarget())
                .build();
        Optional<Instant> next = nextFire.after(state.getSpec().getCadence(), nominal, now);
        // Fires are not changes a writer makes, so the version stays: a writer's expected_version survives them.
        ScheduleState after = ScheduleState.newBuilder(state)
                .setStatus(next.isPresent() ? ScheduleStatus.ACTIVE : ScheduleStatus.COMPLETED)
                .setUpdatedAt(now)
                .setNextFireAt(next.orElse(null))
                .setLastFireAt(nominal)
                .setLastFireId(fireId)
                .setFireCount(state.getFireCount() + 1)
                .build();
        return new Fired(event, after);
    }
}

package io.punctual.planner.fire;

import io.punctual.cadence.NextFireCalculator;
import io.punctual.schemas.CatchupPolicy;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.planner.state.ScheduleStates;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.fire.FireIds;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a schedule whose next fire is due into its due event and its next state, without touching any store.
 * A fire is <em>missed</em> when it comes due more than the misfire threshold late (the schedule was paused, or
 * the planner was down or far behind); missed fires of recurring cadences follow the catch-up policy, a one-time
 * fire always goes out.
 */
public final class Firing {
    /** The planner asks for the first attempt; later ones come back from the executor as retry timers. */
    private static final int FIRST_ATTEMPT = 1;
    /**
     * Bounds the missed fires of one schedule stepped through one by one, so handling a schedule after a long outage
     * costs bounded work; beyond it the rest of the run is jumped over (counted exactly for interval cadences, at
     * least one more for cron).
     */
    static final int MAX_STEPS = 100;

    private final NextFireCalculator nextFire;
    private final Duration misfireThreshold;

    public Firing(NextFireCalculator nextFire, Duration misfireThreshold) {
        this.nextFire = nextFire;
        this.misfireThreshold = misfireThreshold;
    }

    /** When the schedule's next fire is due on the timeline: its nominal time plus its jitter. */
    public Instant dueAt(ScheduleState state) {
        Instant nominal = state.getNextFireAt();
        ScheduleSpec spec = state.getSpec();
        if (spec.getJitterMs() <= 0) {
            return nominal;
        }
        Optional<Instant> following = nextFire.after(spec, state.getCreatedAt(), nominal);
        return nominal.plusMillis(Jitter.delayMs(FireIds.of(state.getScheduleId(), nominal), spec.getJitterMs(), nominal, following));
    }

    /**
     * @param state the schedule, ACTIVE, whose next fire is due at {@code now}
     * @param now   the planner's clock
     */
    public Fired fire(ScheduleState state, Instant now) {
        ScheduleSpec spec = state.getSpec();
        Instant nominal = state.getNextFireAt();
        Instant dueAt = dueAt(state);
        boolean missed = Duration.between(dueAt, now).compareTo(misfireThreshold) > 0;
        if (!missed || spec.getCadence() instanceof OnceCadence) {
            return emit(state, nominal, now, lateness(dueAt, now), 0, 0);
        }
        Instant cutoff = now.minus(misfireThreshold);
        CatchupPolicy policy = spec.getCatchup();
        if (policy == CatchupPolicy.FIRE_ONCE) {
            MissedRun run = missedRun(state, nominal, cutoff);
            // The fire stands for the whole run and is named after its latest fire, which no later fire can share.
            ScheduleState skipped = ScheduleState.newBuilder(state).setNextFireAt(run.last()).build();
            return emit(skipped, run.last(), now, lateness(run.last(), now), run.count(), run.count() - 1);
        }
        if (policy == CatchupPolicy.FIRE_ALL) {
            Instant windowStart = now.minusMillis(spec.getCatchupWindowMs());
            if (!nominal.isBefore(windowStart)) {
                return emit(state, nominal, now, lateness(dueAt, now), 0, 0);
            }
            return skip(state, missedRun(state, nominal, windowStart), now);
        }
        return skip(state, missedRun(state, nominal, cutoff), now);
    }

    /** A fire asked for by a trigger command: now, outside the cadence, named after the command's version. */
    public DueEvent manual(ScheduleState state, Instant now) {
        return DueEvents.of(state, ManualFireIds.of(state.getScheduleId(), now, state.getVersion()), now, FIRST_ATTEMPT, true, 0, now);
    }

    private Fired emit(ScheduleState state, Instant nominal, Instant now, long latenessMs, long standsFor, long alsoMissed) {
        ScheduleSpec spec = state.getSpec();
        String fireId = FireIds.of(state.getScheduleId(), nominal);
        DueEvent event = DueEvents.of(state, fireId, nominal, FIRST_ATTEMPT, false, (int) Math.min(Integer.MAX_VALUE, standsFor), now);
        long fireCount = state.getFireCount() + 1;
        Optional<Instant> next = spec.getMaxRuns() != null && fireCount >= spec.getMaxRuns()
                ? Optional.empty()
                : nextFire.after(spec, state.getCreatedAt(), nominal);
        // Fires are not changes a writer makes, so the version stays: a writer's expected_version survives them.
        ScheduleState after = ScheduleStates.copy(state);
        after.setStatus(next.isPresent() ? ScheduleStatus.ACTIVE : ScheduleStatus.COMPLETED);
        after.setUpdatedAt(now);
        after.setNextFireAt(next.orElse(null));
        after.setLastFireAt(nominal);
        after.setLastFireId(fireId);
        after.setFireCount(fireCount);
        after.setMissedCount(state.getMissedCount() + alsoMissed);
        after.setLastLatenessMs(latenessMs);
        return new Fired(Optional.of(event), after);
    }

    private Fired skip(ScheduleState state, MissedRun run, Instant now) {
        ScheduleState after = ScheduleState.newBuilder(state)
                .setStatus(run.next().isPresent() ? ScheduleStatus.ACTIVE : ScheduleStatus.COMPLETED)
                .setUpdatedAt(now)
                .setNextFireAt(run.next().orElse(null))
                .setMissedCount(state.getMissedCount() + run.count())
                .build();
        return new Fired(Optional.empty(), after);
    }

    /** The fires from {@code first} (inclusive) before {@code cutoff}, and the first fire not before it. */
    private MissedRun missedRun(ScheduleState state, Instant first, Instant cutoff) {
        ScheduleSpec spec = state.getSpec();
        long count = 0;
        Instant last = first;
        Optional<Instant> current = Optional.of(first);
        while (current.isPresent() && current.get().isBefore(cutoff) && count < MAX_STEPS) {
            last = current.get();
            count++;
            current = nextFire.after(spec, state.getCreatedAt(), last);
        }
        if (current.isPresent() && current.get().isBefore(cutoff)) {
            Instant from = current.get();
            Optional<Instant> lastMissed = nextFire.lastBefore(spec, state.getCreatedAt(), from, cutoff);
            count += nextFire.countFrom(spec, from, cutoff).orElse(lastMissed.filter(t -> t.isAfter(from)).isPresent() ? 2 : 1);
            last = lastMissed.orElse(from);
            current = nextFire.atOrAfter(spec, state.getCreatedAt(), cutoff);
        }
        return new MissedRun(count, last, current);
    }

    private static long lateness(Instant dueAt, Instant now) {
        return Math.max(0, Duration.between(dueAt, now).toMillis());
    }

    private record MissedRun(long count, Instant last, Optional<Instant> next) {
    }
}

package io.punctual.planner.command;

import io.punctual.schemas.command.Reasons;
import io.punctual.cadence.InvalidCadenceException;
import io.punctual.cadence.NextFireCalculator;
import io.punctual.planner.fire.Firing;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.PauseSchedule;
import io.punctual.schemas.ReplaceSchedule;
import io.punctual.schemas.ResumeSchedule;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.TriggerSchedule;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides what a command does to a schedule, without touching any store: the processor applies the decision,
 * so a command is either applied whole or not at all. Every accepted command increments the version.
 */
public final class CommandHandler {
    private final NextFireCalculator nextFire;
    private final Firing firing;
    private final SpecGuard guard;

    CommandHandler(NextFireCalculator nextFire, Firing firing) {
        this(nextFire, firing, SpecGuard.none());
    }

    public CommandHandler(NextFireCalculator nextFire, Firing firing, SpecGuard guard) {
        this.nextFire = nextFire;
        this.firing = firing;
        this.guard = guard;
    }

    /**
     * @param command the decoded command
     * @param current the schedule's stored state, null if there is none
     * @param now     the planner's clock
     */
    public Decision handle(ScheduleCommand command, ScheduleState current, Instant now) {
        return handle(command, current, now, null);
    }

    /**
     * @param checked a spec that passed {@link SpecGuard} already (this very object), so it is not checked again; a
     *                create admitted by the quota comes back with the spec checked before it was sent there
     */
    public Decision handle(ScheduleCommand command, ScheduleState current, Instant now, ScheduleSpec checked) {
        if (command.getTenant() == null || command.getTenant().isBlank()) {
            return reject(command, null, now, Reasons.INVALID_COMMAND, "The command has no tenant.");
        }
        Object action = command.getAction();
        if (action instanceof CreateSchedule create) {
            return create(command, create, current, now, checked);
        }
        // Another tenant's schedule is reported exactly like a missing one, so ids cannot be probed across tenants.
        if (current == null || !ownedBy(current, command)) {
            return reject(command, null, now, Reasons.NOT_FOUND, "Schedule " + command.getScheduleId() + " does not exist.");
        }
        Long expected = command.getExpectedVersion();
        if (expected != null && expected != current.getVersion()) {
            return reject(command, current.getVersion(), now, Reasons.VERSION_CONFLICT,
                    "Schedule " + command.getScheduleId() + " is at version " + current.getVersion() + ", not " + expected + ".");
        }
        if (action instanceof DeleteSchedule) {
            return delete(command, current, now);
        }
        if (action instanceof ReplaceSchedule replace) {
            return change(command, current, replace.getSpec(), now, "replaced", checked);
        }
        if (action instanceof PatchSchedule patch) {
            List<String> unclearable = SpecPatches.unclearable(patch);
            if (!unclearable.isEmpty()) {
                return reject(command, current.getVersion(), now, Reasons.INVALID_COMMAND,
                        "Only start_at, end_at and max_runs can be cleared, not " + String.join(", ", unclearable) + ".");
            }
            return change(command, current, SpecPatches.apply(current.getSpec(), patch), now, "patched", checked);
        }
        if (action instanceof PauseSchedule pause) {
            return pause(command, current, pause.getNote(), now);
        }
        if (action instanceof ResumeSchedule) {
            return resume(command, current, now);
        }
        if (action instanceof TriggerSchedule) {
            return trigger(command, current, now);
        }
        return reject(command, current.getVersion(), now, Reasons.INVALID_COMMAND,
                "Unknown action " + (action == null ? "null" : action.getClass().getSimpleName()) + ".");
    }

    private Decision create(ScheduleCommand command, CreateSchedule create, ScheduleState current, Instant now, ScheduleSpec checked) {
        Long currentVersion = current != null && ownedBy(current, command) ? current.getVersion() : null;
        ScheduleSpec spec = create.getSpec();
        String invalid = SpecChecks.problem(spec, command.getTenant());
        if (invalid != null) {
            return reject(command, currentVersion, now, Reasons.INVALID_COMMAND, invalid);
        }
        SpecGuard.Refusal refused = spec == checked ? null : guard.refusal(spec, command.getScheduleId());
        if (refused != null) {
            return reject(command, currentVersion, now, refused.reason(), refused.message());
        }
        if (current != null) {
            return reject(command, currentVersion, now, Reasons.ALREADY_EXISTS,
                    "Schedule " + command.getScheduleId() + " already exists.");
        }
        Long expected = command.getExpectedVersion();
        if (expected != null && expected != 0) {
            return reject(command, null, now, Reasons.NOT_FOUND,
                    "Schedule " + command.getScheduleId() + " does not exist, so it is not at version " + expected + ".");
        }
        Instant first;
        try {
            first = nextFire.first(spec, now, now, null);
        } catch (InvalidCadenceException e) {
            return reject(command, null, now, e.problem().reason(), e.getMessage());
        }
        boolean paused = create.getPaused();
        ScheduleState state = ScheduleState.newBuilder()
                .setScheduleId(command.getScheduleId())
                .setSpec(spec)
                .setStatus(paused ? ScheduleStatus.PAUSED : ScheduleStatus.ACTIVE)
                .setVersion(1)
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .setNextFireAt(first)
                .setLastFireAt(null)
                .setLastFireId(null)
                .setFireCount(0)
                .setPausedNote(paused ? create.getPausedNote() : null)
                // Every field set: Avro's build() looks each unset field's default up and deep-copies it.
                .setManualFireCount(0)
                .setMissedCount(0)
                .setLastLatenessMs(0)
                .setLastOutcome(null)
                .setLastLettaRunId(null)
                .setDeliveredCount(0)
                .setFailureCount(0)
                .setConsecutiveFailures(0)
                .setCompletedAt(null)
                .build();
        return accept(command, state, now, "Schedule " + command.getScheduleId() + " created" + (paused ? " paused" : "")
                + "; it fires first at " + first + ".", new Change.Upsert(null, state));
    }

    private Decision delete(ScheduleCommand command, ScheduleState current, Instant now) {
        ScheduleState snapshot = ScheduleState.newBuilder(current)
                .setStatus(ScheduleStatus.DELETED)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(now)
                .setNextFireAt(null)
                .build();
        return accept(command, snapshot, now, "Schedule " + command.getScheduleId() + " deleted.",
                new Change.Removal(current, snapshot));
    }

    /** Replace and patch: the new spec is checked whole, and the next fire recomputed when its timing changed. */
    private Decision change(ScheduleCommand command, ScheduleState current, ScheduleSpec spec, Instant now, String verb, ScheduleSpec checked) {
        String invalid = SpecChecks.problem(spec, current.getSpec().getTenant());
        if (invalid != null) {
            return reject(command, current.getVersion(), now, Reasons.INVALID_COMMAND, invalid);
        }
        SpecGuard.Refusal refused = spec == checked ? null : guard.refusal(spec, command.getScheduleId());
        if (refused != null) {
            return reject(command, current.getVersion(), now, refused.reason(), refused.message());
        }
        ScheduleState.Builder next = ScheduleState.newBuilder(current)
                .setSpec(spec)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(now);
        if (sameTiming(current.getSpec(), spec)) {
            // Nothing about when it fires changed: a label edit must not revalidate (or refire) a finished schedule.
            return accept(command, next.build(), now, "Schedule " + command.getScheduleId() + " " + verb + ".",
                    new Change.Upsert(current, next.build()));
        }
        Instant first;
        try {
            first = nextFire.first(spec, current.getCreatedAt(), now, current.getLastFireAt());
        } catch (InvalidCadenceException e) {
            return reject(command, current.getVersion(), now, e.problem().reason(), e.getMessage());
        }
        boolean alreadyFired = first.equals(current.getLastFireAt());
        boolean exhausted = spec.getMaxRuns() != null && current.getFireCount() >= spec.getMaxRuns();
        Instant nextFireAt = alreadyFired || exhausted ? null : first;
        ScheduleStatus status = current.getStatus() == ScheduleStatus.PAUSED ? ScheduleStatus.PAUSED
                : nextFireAt == null ? ScheduleStatus.COMPLETED : ScheduleStatus.ACTIVE;
        ScheduleState state = next.setNextFireAt(nextFireAt).setStatus(status).build();
        return accept(command, state, now, "Schedule " + command.getScheduleId() + " " + verb + "; "
                + (nextFireAt == null ? "it has no fire left." : "it fires next at " + nextFireAt + "."), new Change.Upsert(current, state));
    }

    private Decision pause(ScheduleCommand command, ScheduleState current, String note, Instant now) {
        if (current.getStatus() != ScheduleStatus.ACTIVE) {
            return reject(command, current.getVersion(), now, Reasons.NOT_ACTIVE,
                    "Schedule " + command.getScheduleId() + " is " + statusName(current) + ", so it cannot be paused.");
        }
        ScheduleState state = ScheduleState.newBuilder(current)
                .setStatus(ScheduleStatus.PAUSED)
                .setPausedNote(note)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(now)
                .build();
        return accept(command, state, now, "Schedule " + command.getScheduleId() + " paused.", new Change.Upsert(current, state));
    }

    /** Fires missed while paused are handled by the catch-up policy when the timeline reaches them, right after. */
    private Decision resume(ScheduleCommand command, ScheduleState current, Instant now) {
        if (current.getStatus() != ScheduleStatus.PAUSED) {
            return reject(command, current.getVersion(), now, Reasons.NOT_PAUSED,
                    "Schedule " + command.getScheduleId() + " is " + statusName(current) + ", not paused.");
        }
        ScheduleState state = ScheduleState.newBuilder(current)
                .setStatus(current.getNextFireAt() == null ? ScheduleStatus.COMPLETED : ScheduleStatus.ACTIVE)
                .setPausedNote(null)
                // A schedule paused for failing starts counting afresh, or its next failure would pause it again.
                .setConsecutiveFailures(0)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(now)
                .build();
        return accept(command, state, now, "Schedule " + command.getScheduleId() + " resumed.", new Change.Upsert(current, state));
    }

    private Decision trigger(ScheduleCommand command, ScheduleState current, Instant now) {
        ScheduleState state = ScheduleState.newBuilder(current)
                .setVersion(current.getVersion() + 1)
                .setManualFireCount(current.getManualFireCount() + 1)
                .setUpdatedAt(now)
                .build();
        DueEvent fire = firing.manual(state, now);
        Decision accepted = accept(command, state, now, "Schedule " + command.getScheduleId() + " triggered: fire " + fire.getFireId() + ".",
                new Change.Upsert(current, state));
        return new Decision(accepted.result(), accepted.change(), List.of(fire));
    }

    private static boolean sameTiming(ScheduleSpec a, ScheduleSpec b) {
        return Objects.equals(a.getCadence(), b.getCadence())
                && Objects.equals(a.getStartAt(), b.getStartAt())
                && Objects.equals(a.getEndAt(), b.getEndAt())
                && Objects.equals(a.getMaxRuns(), b.getMaxRuns());
    }

    private static String statusName(ScheduleState state) {
        return state.getStatus().name().toLowerCase(Locale.ROOT);
    }

    private static boolean ownedBy(ScheduleState state, ScheduleCommand command) {
        return state.getSpec().getTenant().equals(command.getTenant());
    }

    private static Decision accept(ScheduleCommand command, ScheduleState state, Instant now, String message, Change change) {
        CommandResult result = CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setScheduleId(command.getScheduleId())
                .setAccepted(true)
                .setReason(null)
                .setMessage(message)
                .setVersion(state.getVersion())
                .setState(state)
                .setProcessedAt(now)
                .build();
        return new Decision(result, change);
    }

    private static Decision reject(ScheduleCommand command, Long version, Instant now, String reason, String message) {
        CommandResult result = CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setScheduleId(command.getScheduleId())
                .setAccepted(false)
                .setReason(reason)
                .setMessage(message)
                .setVersion(version)
                .setState(null)
                .setProcessedAt(now)
                .build();
        return new Decision(result, new Change.None());
    }
}

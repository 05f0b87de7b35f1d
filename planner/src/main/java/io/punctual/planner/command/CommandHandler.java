package io.punctual.planner.command;

import io.punctual.planner.cadence.InvalidCadenceException;
import io.punctual.planner.cadence.NextFireCalculator;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookTarget;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;

import java.time.Instant;

/**
 * Decides what a command does to a schedule, without touching any store: the processor applies the decision,
 * so a command is either applied whole or not at all.
 */
public final class CommandHandler {
    private final NextFireCalculator nextFire;

    public CommandHandler(NextFireCalculator nextFire) {
        this.nextFire = nextFire;
    }

    /**
     * @param command the decoded command
     * @param current the schedule's stored state, null if there is none
     * @param now     the planner's clock
     */
    public Decision handle(ScheduleCommand command, ScheduleState current, Instant now) {
        if (command.getTenant() == null || command.getTenant().isBlank()) {
            return reject(command, null, now, Reasons.INVALID_COMMAND, "The command has no tenant.");
        }
        Object action = command.getAction();
        if (action instanceof CreateSchedule create) {
            return create(command, create.getSpec(), current, now);
        }
        if (action instanceof DeleteSchedule) {
            return delete(command, current, now);
        }
        return reject(command, null, now, Reasons.INVALID_COMMAND,
                "Unknown action " + (action == null ? "null" : action.getClass().getSimpleName()) + ".");
    }

    private Decision create(ScheduleCommand command, ScheduleSpec spec, ScheduleState current, Instant now) {
        Long currentVersion = current != null && ownedBy(current, command) ? current.getVersion() : null;
        String invalid = invalidSpec(command, spec);
        if (invalid != null) {
            return reject(command, currentVersion, now, Reasons.INVALID_COMMAND, invalid);
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
            first = nextFire.first(spec.getCadence(), now);
        } catch (InvalidCadenceException e) {
            return reject(command, null, now, e.problem().reason(), e.getMessage());
        }
        ScheduleState state = ScheduleState.newBuilder()
                .setScheduleId(command.getScheduleId())
                .setSpec(spec)
                .setStatus(ScheduleStatus.ACTIVE)
                .setVersion(1)
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .setNextFireAt(first)
                .setLastFireAt(null)
                .setLastFireId(null)
                .setFireCount(0)
                .build();
        return accept(command, state, now, "Schedule " + command.getScheduleId() + " created; it fires first at " + first + ".",
                new Change.Upsert(null, state));
    }

    private Decision delete(ScheduleCommand command, ScheduleState current, Instant now) {
        // Another tenant's schedule is reported exactly like a missing one, so ids cannot be probed across tenants.
        if (current == null || !ownedBy(current, command)) {
            return reject(command, null, now, Reasons.NOT_FOUND, "Schedule " + command.getScheduleId() + " does not exist.");
        }
        Long expected = command.getExpectedVersion();
        if (expected != null && expected != current.getVersion()) {
            return reject(command, current.getVersion(), now, Reasons.VERSION_CONFLICT,
                    "Schedule " + command.getScheduleId() + " is at version " + current.getVersion() + ", not " + expected + ".");
        }
        ScheduleState snapshot = ScheduleState.newBuilder(current)
                .setStatus(ScheduleStatus.DELETED)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(now)
                .setNextFireAt(null)
                .build();
        return accept(command, snapshot, now, "Schedule " + command.getScheduleId() + " deleted.",
                new Change.Removal(current, snapshot));
    }

    /** A sentence saying what is wrong with a create's spec, or null if nothing is. */
    private static String invalidSpec(ScheduleCommand command, ScheduleSpec spec) {
        if (spec == null) {
            return "The create command has no spec.";
        }
        if (!command.getTenant().equals(spec.getTenant())) {
            return "The spec's tenant differs from the command's tenant.";
        }
        String targetProblem = invalidTarget(spec.getTarget());
        if (targetProblem != null) {
            return targetProblem;
        }
        if (spec.getCadence() == null) {
            return "The spec has no cadence.";
        }
        return null;
    }

    private static String invalidTarget(Object target) {
        if (target instanceof LettaTarget letta) {
            if (letta.getAgentId() == null || letta.getAgentId().isBlank()) {
                return "The target has no agent id.";
            }
            if (letta.getMessages() == null || letta.getMessages().isEmpty()) {
                return "The target has no messages to send.";
            }
            return null;
        }
        if (target instanceof WebhookTarget webhook) {
            return webhook.getUrl() == null || webhook.getUrl().isBlank() ? "The webhook target has no URL." : null;
        }
        if (target instanceof KafkaTarget kafka) {
            return kafka.getTopic() == null || kafka.getTopic().isBlank() ? "The Kafka target has no topic." : null;
        }
        return "The spec has no target.";
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

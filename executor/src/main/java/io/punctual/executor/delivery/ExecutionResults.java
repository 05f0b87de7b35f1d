package io.punctual.executor.delivery;

import io.punctual.schemas.ContentPart;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.WebhookTarget;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Builds the result of one attempt from the fire it answers, so every result carries the same identifying fields. */
public final class ExecutionResults {
    private ExecutionResults() {
    }

    public static ExecutionResult delivered(DueEvent fire, Instant startedAt, Instant finishedAt, Integer httpStatus, String runId) {
        return delivered(fire, startedAt, finishedAt, httpStatus, runId, null);
    }

    public static ExecutionResult delivered(DueEvent fire, Instant startedAt, Instant finishedAt, Integer httpStatus, String runId, String reply) {
        return deliveredBuilder(fire, startedAt, finishedAt, httpStatus, runId).setReply(reply).build();
    }

    /**
     * Like {@link #delivered}, for a caller that sets more fields: one builder, rather than a built result copied
     * into a second builder (Avro's copy is deep), on every delivery's path.
     */
    public static ExecutionResult.Builder deliveredBuilder(DueEvent fire, Instant startedAt, Instant finishedAt, Integer httpStatus, String runId) {
        return base(fire, startedAt, finishedAt)
                .setOutcome(Outcome.DELIVERED)
                .setHttpStatus(httpStatus)
                .setLettaRunId(runId);
    }

    /** @param httpStatus the target's status, or null when no answer arrived */
    public static ExecutionResult failed(DueEvent fire, Instant startedAt, Instant finishedAt, Integer httpStatus, String detail) {
        return failedBuilder(fire, startedAt, finishedAt, httpStatus, detail).build();
    }

    /** Like {@link #failed}, for a caller that sets more fields. */
    public static ExecutionResult.Builder failedBuilder(DueEvent fire, Instant startedAt, Instant finishedAt, Integer httpStatus, String detail) {
        return base(fire, startedAt, finishedAt)
                .setOutcome(Outcome.FAILED)
                .setHttpStatus(httpStatus)
                .setDetail(detail);
    }

    public static ExecutionResult skippedOverlap(DueEvent fire, Instant startedAt, Instant finishedAt, String runId, String runStatus) {
        return base(fire, startedAt, finishedAt)
                .setOutcome(Outcome.SKIPPED_OVERLAP)
                .setHttpStatus(null)
                .setLettaRunId(runId)
                .setDetail("previous run " + runId + " is still " + runStatus)
                .build();
    }

    /** The target's type as results name it: letta, webhook or kafka. */
    public static String targetType(DueEvent fire) {
        Object target = fire.getTarget();
        if (target instanceof WebhookTarget) {
            return "webhook";
        }
        if (target instanceof KafkaTarget) {
            return "kafka";
        }
        return "letta";
    }

    private static ExecutionResult.Builder base(DueEvent fire, Instant startedAt, Instant finishedAt) {
        return ExecutionResult.newBuilder()
                .setFireId(fire.getFireId())
                .setScheduleId(fire.getScheduleId())
                .setTenant(fire.getTenant())
                .setAgentId(fire.getTarget() instanceof LettaTarget letta ? letta.getAgentId() : null)
                .setCadenceType(fire.getCadenceType())
                .setMessageText(messageText(fire))
                .setScheduledFor(fire.getScheduledFor())
                .setStartedAt(startedAt)
                .setFinishedAt(finishedAt)
                .setAttempt(fire.getAttempt())
                .setTargetType(targetType(fire))
                .setManual(fire.getManual())
                .setNotification(fire.getNotification());
    }

    /** The text of the first message of a Letta fire (its text parts joined by new lines), else null. */
    static String messageText(DueEvent fire) {
        if (!(fire.getTarget() instanceof LettaTarget letta) || letta.getMessages().isEmpty()) {
            return null;
        }
        LettaMessage first = letta.getMessages().get(0);
        if (first.getContent() instanceof List<?> parts) {
            return parts.stream().map(p -> ((ContentPart) p).getText()).filter(Objects::nonNull)
                    .collect(Collectors.joining("\n"));
        }
        return first.getContent().toString();
    }
}

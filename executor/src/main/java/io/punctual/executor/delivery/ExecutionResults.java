package io.punctual.executor.delivery;

import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;

import java.time.Instant;

/** Builds the result of one attempt from the fire it answers, so every result carries the same identifying fields. */
public final class ExecutionResults {
    private ExecutionResults() {
    }

    public static ExecutionResult delivered(DueEvent fire, Instant startedAt, Instant finishedAt, int httpStatus, String runId) {
        return base(fire, startedAt, finishedAt)
                .setOutcome(Outcome.DELIVERED)
                .setHttpStatus(httpStatus)
                .setLettaRunId(runId)
                .build();
    }

    /** @param httpStatus Letta's status, or null when no answer arrived */
    public static ExecutionResult failed(DueEvent fire, Instant startedAt, Instant finishedAt, Integer httpStatus, String detail) {
        return base(fire, startedAt, finishedAt)
                .setOutcome(Outcome.FAILED)
                .setHttpStatus(httpStatus)
                .setDetail(detail)
                .build();
    }

    private static ExecutionResult.Builder base(DueEvent fire, Instant startedAt, Instant finishedAt) {
        return ExecutionResult.newBuilder()
                .setFireId(fire.getFireId())
                .setScheduleId(fire.getScheduleId())
                .setTenant(fire.getTenant())
                .setAgentId(fire.getTarget() instanceof LettaTarget letta ? letta.getAgentId() : null)
                .setScheduledFor(fire.getScheduledFor())
                .setStartedAt(startedAt)
                .setFinishedAt(finishedAt)
                .setAttempt(fire.getAttempt());
    }
}

package io.punctual.planner;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;

import java.time.Instant;

/** Builds the execution results an executor would write for a due event. */
final class TestResults {
    private TestResults() {
    }

    static ExecutionResult of(DueEvent fire, Outcome outcome, Instant finishedAt) {
        return ExecutionResult.newBuilder()
                .setFireId(fire.getFireId())
                .setScheduleId(fire.getScheduleId())
                .setTenant(fire.getTenant())
                .setAgentId(null)
                .setScheduledFor(fire.getScheduledFor())
                .setStartedAt(finishedAt)
                .setFinishedAt(finishedAt)
                .setOutcome(outcome)
                .setAttempt(fire.getAttempt())
                .setManual(fire.getManual())
                .build();
    }

    static ExecutionResult delivered(DueEvent fire, String runId, Instant at) {
        ExecutionResult result = of(fire, Outcome.DELIVERED, at);
        result.setHttpStatus(202);
        result.setLettaRunId(runId);
        return result;
    }

    static ExecutionResult failed(DueEvent fire, String detail, Instant at) {
        ExecutionResult result = of(fire, Outcome.FAILED, at);
        result.setHttpStatus(400);
        result.setDetail(detail);
        return result;
    }

    static ExecutionResult retrying(DueEvent fire, Instant nextAttemptAt, Instant at) {
        ExecutionResult result = of(fire, Outcome.RETRYING, at);
        result.setHttpStatus(503);
        result.setNextAttemptAt(nextAttemptAt);
        return result;
    }
}

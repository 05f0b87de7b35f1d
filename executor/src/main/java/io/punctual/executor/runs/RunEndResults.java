package io.punctual.executor.runs;

import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.FollowedRun;

/**
 * The record of a followed run's end on {@code punctual.results}: the same fire id and attempt as the delivery's
 * own result (so a view keyed by attempt shows the run's end in its place), marked {@code run_end}.
 */
public final class RunEndResults {
    private final RetryPolicyEnforcer retries;

    public RunEndResults(RetryPolicyEnforcer retries) {
        this.retries = retries;
    }

    /**
     * DELIVERED for a completed run or one whose end is unknown; FAILED for a failed or cancelled run, or RETRYING
     * when the fire asks for {@code retry_on_run_failure} and its retry policy allows another attempt.
     */
    ExecutionResult of(RunEnd end) {
        FollowedRun run = end.run();
        DueEvent fire = run.getFire();
        boolean failed = "failed".equals(end.status()) || "cancelled".equals(end.status());
        ExecutionResult.Builder result = (failed
                ? ExecutionResults.failedBuilder(fire, run.getStartedAt(), run.getDeliveredAt(), null,
                        end.detail() != null ? end.detail() : "Letta run " + run.getRunId() + " ended " + end.status()
                                + (end.stopReason() != null ? " (" + end.stopReason() + ")" : ""))
                : ExecutionResults.deliveredBuilder(fire, run.getStartedAt(), run.getDeliveredAt(), null, run.getRunId()))
                .setLettaRunId(run.getRunId())
                .setHttpStatus(run.getHttpStatus())
                .setRunEnd(true)
                .setLettaRunStatus(end.status())
                .setRunFinishedAt(end.finishedAt())
                .setStopReason(end.stopReason())
                .setUsageJson(end.usageJson())
                .setOverlapped(run.getOverlapped());
        if (!failed && end.detail() != null) {
            result.setDetail(end.detail());
        }
        ExecutionResult built = result.build();
        if (failed && fire.getRetryOnRunFailure()) {
            return retries.settle(fire, new Attempt(built, true, null));
        }
        return built;
    }
}

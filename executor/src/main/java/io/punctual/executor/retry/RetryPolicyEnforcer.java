package io.punctual.executor.retry;

import io.punctual.executor.delivery.Attempt;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a failed attempt into its recorded outcome: RETRYING with the time of the next attempt while the
 * fire's retry policy allows one, FAILED otherwise. The executor never waits for a retry itself; the planner
 * reads the RETRYING result and emits the next attempt at {@code next_attempt_at}, so no partition is held up.
 */
public final class RetryPolicyEnforcer {
    private final RetryBackoff backoff;
    private final Clock clock;

    public RetryPolicyEnforcer(RetryBackoff backoff, Clock clock) {
        this.backoff = backoff;
        this.clock = clock;
    }

    public ExecutionResult settle(DueEvent fire, Attempt attempt) {
        ExecutionResult result = attempt.result();
        if (!attempt.failed()) {
            return result;
        }
        String detail = result.getDetail() == null ? "" : result.getDetail();
        if (!attempt.retryable()) {
            return result;
        }
        RetryPolicy policy = fire.getRetry();
        int attemptNo = fire.getAttempt();
        if (attemptNo >= policy.getMaxAttempts()) {
            return failed(result, "gave up after attempt " + attemptNo + " of " + policy.getMaxAttempts() + ": " + detail);
        }
        Duration delay = backoff.delayAfter(attemptNo);
        if (attempt.retryAfter() != null && attempt.retryAfter().compareTo(delay) > 0) {
            delay = attempt.retryAfter();
        }
        Instant now = clock.instant();
        Instant next = now.plus(delay);
        Instant deadline = fire.getScheduledFor().plusMillis(policy.getMaxAgeMs());
        if (next.isAfter(deadline)) {
            return failed(result, "gave up after attempt " + attemptNo + ": the next attempt would start after the retry policy's max age of "
                    + policy.getMaxAgeMs() + " ms: " + detail);
        }
        return ExecutionResult.newBuilder(result)
                .setOutcome(Outcome.RETRYING)
                .setNextAttemptAt(next)
                .build();
    }

    private static ExecutionResult failed(ExecutionResult result, String detail) {
        return ExecutionResult.newBuilder(result).setOutcome(Outcome.FAILED).setDetail(detail).build();
    }
}

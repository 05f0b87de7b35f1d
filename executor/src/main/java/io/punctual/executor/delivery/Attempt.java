package io.punctual.executor.delivery;

import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;

import java.time.Duration;
import java.util.Objects;

/**
 * What one delivery attempt came to, before the retry policy is applied: the result as the target saw it
 * (DELIVERED, SKIPPED_OVERLAP or FAILED) and, for a failure, whether trying again could help.
 *
 * @param result     the attempt's result
 * @param retryable  for a FAILED result: the failure may pass (timeout, 5xx, 429, ...)
 * @param retryAfter the target's own {@code Retry-After}, or null
 */
public record Attempt(ExecutionResult result, boolean retryable, Duration retryAfter) {

    public Attempt {
        Objects.requireNonNull(result, "result");
    }

    public static Attempt finished(ExecutionResult result) {
        return new Attempt(result, false, null);
    }

    public boolean failed() {
        return result.getOutcome() == Outcome.FAILED;
    }
}

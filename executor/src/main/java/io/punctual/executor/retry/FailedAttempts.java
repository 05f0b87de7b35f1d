package io.punctual.executor.retry;

import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.schemas.DueEvent;

import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Failed attempts of any target, classified once for the retry policy. */
public final class FailedAttempts {
    /** Enough of an error body to diagnose it, bounded so results and dead letters stay small. */
    public static final int MAX_DETAIL_BODY_CHARS = 500;

    private FailedAttempts() {
    }

    /** The target answered with a status that is not a success. */
    public static Attempt ofAnswer(DueEvent fire, Instant startedAt, Instant finishedAt, int status, String body, String retryAfterHeader) {
        String excerpt = body == null ? "" : body.length() <= MAX_DETAIL_BODY_CHARS ? body : body.substring(0, MAX_DETAIL_BODY_CHARS);
        String detail = (status + " " + excerpt).strip();
        boolean retryable = RetryableFailures.isRetryable(status);
        var retryAfter = RetryableFailures.honoursRetryAfter(status) ? RetryAfter.parse(retryAfterHeader, finishedAt).orElse(null) : null;
        return new Attempt(ExecutionResults.failed(fire, startedAt, finishedAt, status, detail), retryable, retryAfter);
    }

    /** No answer arrived. */
    public static Attempt ofError(DueEvent fire, Instant startedAt, Instant finishedAt, Throwable error) {
        Throwable cause = unwrap(error);
        String detail = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new Attempt(ExecutionResults.failed(fire, startedAt, finishedAt, null, detail), RetryableFailures.isRetryable(cause), null);
    }

    /** Refused before anything was sent (a URL not allowed, a key that does not decrypt): trying again cannot help. */
    public static Attempt refused(DueEvent fire, Instant startedAt, Instant finishedAt, String detail) {
        return new Attempt(ExecutionResults.failed(fire, startedAt, finishedAt, null, detail), false, null);
    }

    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}

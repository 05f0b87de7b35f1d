package io.punctual.executor.retry;

import java.net.URISyntaxException;

/**
 * Which failures may pass if the same request is sent again later. Everything else (a refusal, an expired
 * credential answered with 401/403, a malformed request) would only fail the same way again.
 */
final class RetryableFailures {
    private RetryableFailures() {
    }

    public static boolean isRetryable(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** No answer arrived: connection refused or reset, timeout, DNS. Only a request we could not even build is final. */
    public static boolean isRetryable(Throwable error) {
        return !(error instanceof IllegalArgumentException || error instanceof URISyntaxException);
    }

    /** Statuses whose Retry-After is honoured. */
    static boolean honoursRetryAfter(int status) {
        return status == 429 || status == 503;
    }
}

package io.punctual.executor.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: after attempt n the delay is drawn uniformly from
 * [0, min(max, base * 2^(n-1))]. Full jitter spreads the retries of many fires that failed together (an outage)
 * instead of sending them back in synchronized waves.
 */
public final class RetryBackoff {
    private final Duration base;
    private final Duration max;
    private final LongUnaryOperator random;

    /** @param random given a bound b >= 0, a value in [0, b] */
    RetryBackoff(Duration base, Duration max, LongUnaryOperator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    public static RetryBackoff withRandomJitter(Duration base, Duration max) {
        return new RetryBackoff(base, max, bound -> bound == 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** The cap of the delay after the given (failed) attempt. */
    Duration ceiling(int failedAttempt) {
        int doublings = Math.max(0, Math.min(failedAttempt - 1, 40));
        long millis = base.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    Duration delayAfter(int failedAttempt) {
        return Duration.ofMillis(random.applyAsLong(ceiling(failedAttempt).toMillis()));
    }
}

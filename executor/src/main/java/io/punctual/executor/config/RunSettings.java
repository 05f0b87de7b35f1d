package io.punctual.executor.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How Letta runs are followed after an async delivery, and how long a fire waits for its agent's previous run;
 * built from the {@code punctual.executor.runs.*} keys of {@link ExecutorConfig}.
 *
 * @param pollInitial          first wait before a run is looked up; each further wait doubles
 * @param pollMax              longest wait between two look-ups of one run
 * @param followLimit          how long a run is followed before it is recorded as {@code unknown}
 * @param maxLookupsInFlight   run look-ups in flight at once
 * @param maxWait              how long a fire waits for its agent's runs before it is delivered anyway (overlapped)
 */
public record RunSettings(Duration pollInitial, Duration pollMax, Duration followLimit, int maxLookupsInFlight, Duration maxWait) {
    public RunSettings {
        Objects.requireNonNull(pollInitial, "pollInitial");
        Objects.requireNonNull(pollMax, "pollMax");
        Objects.requireNonNull(followLimit, "followLimit");
        Objects.requireNonNull(maxWait, "maxWait");
        if (pollInitial.isNegative() || pollInitial.isZero() || pollMax.compareTo(pollInitial) < 0) {
            throw new IllegalArgumentException("run polling must satisfy 0 < poll-initial <= poll-max");
        }
        if (followLimit.isNegative() || followLimit.isZero() || maxWait.isNegative() || maxLookupsInFlight < 1) {
            throw new IllegalArgumentException("follow limit must be positive, max wait not negative, max look-ups in flight at least 1");
        }
    }

    /** The defaults of {@link ExecutorConfig}, for code that runs without configuration (tests, benchmarks). */
    public static RunSettings defaults() {
        return new ExecutorConfig().runSettings();
    }
}

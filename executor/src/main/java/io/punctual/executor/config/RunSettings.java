package io.punctual.executor.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How Letta runs are followed after an async delivery, and how long a fire waits for its agent's previous run;
 * read once from the {@code punctual.executor.runs.*} keys of {@link io.punctual.kernel.config.ConfigKeys}.
 *
 * @param pollInitial          first wait before a run is looked up; each further wait doubles
 * @param pollMax              longest wait between two look-ups of one run
 * @param followLimit          how long a run is followed before it is recorded as {@code unknown}
 * @param maxLookupsInFlight   run look-ups in flight at once
 * @param maxWait              how long a fire waits for its agent's runs before it is delivered anyway (overlapped)
 */
public record RunSettings(Duration pollInitial, Duration pollMax, Duration followLimit, int maxLookupsInFlight, Duration maxWait) {
    public static final Duration DEFAULT_POLL_INITIAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_POLL_MAX = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FOLLOW_LIMIT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_LOOKUPS_IN_FLIGHT = 64;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(10);

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

    public static RunSettings defaults() {
        return new RunSettings(DEFAULT_POLL_INITIAL, DEFAULT_POLL_MAX, DEFAULT_FOLLOW_LIMIT, DEFAULT_MAX_LOOKUPS_IN_FLIGHT, DEFAULT_MAX_WAIT);
    }
}

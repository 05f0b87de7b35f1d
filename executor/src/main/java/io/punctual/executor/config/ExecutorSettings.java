package io.punctual.executor.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The executor's own settings, built from the {@code punctual.executor.*} keys of
 * {@link ExecutorConfig}.
 *
 * @param groupId             consumer group shared by every executor instance
 * @param instanceId          unique per running instance: it names the transactional producer, so two
 *                            instances never fence each other
 * @param maxInFlight         Letta requests in flight at once, over all agents
 * @param requestTimeout      how long one Letta request may take before it counts as failed
 * @param defaultLettaBaseUrl the Letta server of schedules that name none
 */
public record ExecutorSettings(String groupId, String instanceId, int maxInFlight, Duration requestTimeout, String defaultLettaBaseUrl) {
    public ExecutorSettings {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(defaultLettaBaseUrl, "defaultLettaBaseUrl");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in flight must be at least 1, was " + maxInFlight);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, was " + requestTimeout);
        }
    }

    /** The transactional id of this instance's producer. */
    public String transactionalId() {
        return "punctual-executor-" + instanceId;
    }
}

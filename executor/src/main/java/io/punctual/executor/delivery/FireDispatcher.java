package io.punctual.executor.delivery;

import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.topic.DueKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers a batch of fires as concurrently as the rules allow: one agent's fires in order and never two at
 * once, at most a fixed number of requests in flight overall. A fire waiting for its agent holds no slot.
 * Each attempt's outcome passes through the fire's retry policy before it is recorded.
 */
public final class FireDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(FireDispatcher.class);

    private final Deliverer deliverer;
    private final RetryPolicyEnforcer retries;
    private final PerAgentSequencer perAgent = new PerAgentSequencer();
    private final InFlightLimiter limiter;
    // Ranks fires in the order they were handed over, which is the order their offsets are committed in.
    private final AtomicLong sequence = new AtomicLong();

    public FireDispatcher(Deliverer deliverer, RetryPolicyEnforcer retries, int maxInFlight) {
        this.deliverer = deliverer;
        this.retries = retries;
        this.limiter = new InFlightLimiter(maxInFlight);
    }

    /**
     * Starts the fire's delivery behind earlier fires to the same agent; its result, after the retry policy.
     * The future never completes exceptionally.
     */
    public CompletableFuture<ExecutionResult> deliver(DueEvent fire) {
        long rank = sequence.getAndIncrement();
        return perAgent.submit(DueKeys.of(fire.getTarget(), fire.getScheduleId()), () -> limiter.submit(rank, () -> deliverer.deliver(fire)))
                .thenApply(attempt -> retries.settle(fire, attempt))
                .exceptionally(error -> unexpected(fire, error));
    }

    private static ExecutionResult unexpected(DueEvent fire, Throwable error) {
        // A deliverer answers every outcome itself; reaching here is a bug, and the fire still needs a result.
        LOG.error("Delivering fire {} failed unexpectedly", fire.getFireId(), error);
        Instant now = Instant.now();
        return ExecutionResults.failed(fire, now, now, null, "internal error: " + error);
    }
}

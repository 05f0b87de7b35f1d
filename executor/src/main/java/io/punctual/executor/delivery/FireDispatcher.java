package io.punctual.executor.delivery;

import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.topic.DueKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Delivers a batch of fires as concurrently as the rules allow: one agent's fires in order and never two at
 * once, at most a fixed number of requests in flight overall, none before its {@code deliver_at}. A fire waiting
 * for its agent or its time holds no slot.
 * Each attempt's outcome passes through the fire's retry policy before it is recorded.
 */
public final class FireDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(FireDispatcher.class);
    /** Longest a fire is held for its time: the planner's lead is under a second by default. */
    static final Duration MAX_HOLD = Duration.ofSeconds(10);
    private static final Runnable NOTHING = () -> { };

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
        Supplier<CompletableFuture<Attempt>> attempt = () -> limiter.submit(rank, () -> deliverer.deliver(fire));
        long holdMs = holdMillis(fire, System.currentTimeMillis());
        // Held before its slot is taken, so a fire waiting for its time keeps no request from going; inside its
        // agent's turn, so that agent's later fires stay behind it.
        Supplier<CompletableFuture<Attempt>> task = holdMs <= 0 ? attempt : () -> hold(fire).thenCompose(ignored -> attempt.get());
        return perAgent.submit(DueKeys.of(fire.getTarget(), fire.getScheduleId()), task)
                .thenApply(result -> retries.settle(fire, result))
                .exceptionally(error -> unexpected(fire, error));
    }

    /**
     * Completes once the wall clock reads the fire's {@code deliver_at} (or the cap passed). The timer counts on the
     * monotonic clock, which the wall clock may drift from while it is slewed: a timer that ends early waits again.
     */
    private static CompletableFuture<Void> hold(DueEvent fire) {
        long holdMs = holdMillis(fire, System.currentTimeMillis());
        if (holdMs <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(NOTHING, CompletableFuture.delayedExecutor(holdMs, TimeUnit.MILLISECONDS, Runnable::run))
                .thenCompose(ignored -> holdMs >= MAX_HOLD.toMillis() ? CompletableFuture.completedFuture(null) : hold(fire));
    }

    /**
     * How long the fire waits for its {@code deliver_at} (the planner emits fires up to its fire lead early); at most
     * {@link #MAX_HOLD}, so a clock far off or a record not from the planner cannot stall its partition.
     */
    static long holdMillis(DueEvent fire, long nowMs) {
        Instant deliverAt = fire.getDeliverAt();
        return deliverAt == null ? 0 : Math.min(deliverAt.toEpochMilli() - nowMs, MAX_HOLD.toMillis());
    }

    private static ExecutionResult unexpected(DueEvent fire, Throwable error) {
        // A deliverer answers every outcome itself; reaching here is a bug, and the fire still needs a result.
        LOG.error("Delivering fire {} failed unexpectedly", fire.getFireId(), error);
        Instant now = Instant.now();
        return ExecutionResults.failed(fire, now, now, null, "internal error: " + error);
    }
}

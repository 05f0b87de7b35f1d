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
import java.util.function.Predicate;
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
    private final Predicate<DueEvent> droppedAfterHold;
    // Ranks fires in the order they were handed over, which is the order their offsets are committed in.
    private final AtomicLong sequence = new AtomicLong();

    public FireDispatcher(Deliverer deliverer, RetryPolicyEnforcer retries, int maxInFlight) {
        this(deliverer, retries, maxInFlight, fire -> false);
    }

    /**
     * @param droppedAfterHold asked of a fire held for its {@code deliver_at} when its time comes (its schedule
     *                         deleted meanwhile, say): true and it is not delivered and gets no result
     */
    public FireDispatcher(Deliverer deliverer, RetryPolicyEnforcer retries, int maxInFlight, Predicate<DueEvent> droppedAfterHold) {
        this.deliverer = deliverer;
        this.retries = retries;
        this.limiter = new InFlightLimiter(maxInFlight);
        this.droppedAfterHold = droppedAfterHold;
    }

    /**
     * Starts the fire's delivery behind earlier fires to the same agent; its result, after the retry policy, or null
     * when a held fire was dropped at its time (no delivery, no result). The future never completes exceptionally.
     */
    public CompletableFuture<ExecutionResult> deliver(DueEvent fire) {
        long rank = sequence.getAndIncrement();
        Supplier<CompletableFuture<Attempt>> attempt = () -> limiter.submit(rank, () -> deliverer.deliver(fire));
        long holdMs = holdMillis(fire, System.currentTimeMillis());
        // Held before its slot is taken, so a fire waiting for its time keeps no request from going; inside its
        // agent's turn, so that agent's later fires stay behind it.
        // A delete that arrives while the fire is held still stops it, as it would have before the fire was emitted.
        Supplier<CompletableFuture<Attempt>> task = holdMs <= 0 ? attempt
                : () -> hold(fire).thenCompose(ignored -> droppedAfterHold.test(fire) ? CompletableFuture.completedFuture(null) : attempt.get());
        return perAgent.submit(DueKeys.of(fire.getTarget(), fire.getScheduleId()), task)
                .thenApply(result -> result == null ? null : retries.settle(fire, result))
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

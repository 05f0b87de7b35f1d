package io.punctual.executor.delivery;

import io.punctual.schemas.topic.DueKeys;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers a batch of fires as concurrently as the rules allow: one agent's fires in order and never two at
 * once, at most a fixed number of requests in flight overall. A fire waiting for its agent holds no slot.
 */
public final class FireDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(FireDispatcher.class);

    private final Deliverer deliverer;
    private final PerAgentSequencer perAgent = new PerAgentSequencer();
    private final InFlightLimiter limiter;

    public FireDispatcher(Deliverer deliverer, int maxInFlight) {
        this.deliverer = deliverer;
        this.limiter = new InFlightLimiter(maxInFlight);
    }

    /** One result per fire, in the fires' order; the future never completes exceptionally. */
    public CompletableFuture<List<ExecutionResult>> deliverAll(List<DueEvent> fires) {
        List<CompletableFuture<ExecutionResult>> results = new ArrayList<>(fires.size());
        for (DueEvent fire : fires) {
            results.add(perAgent.submit(DueKeys.of(fire.getTarget(), fire.getScheduleId()), () -> limiter.submit(() -> deliverer.deliver(fire)))
                    .exceptionally(error -> unexpected(fire, error)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }

    private static ExecutionResult unexpected(DueEvent fire, Throwable error) {
        // A deliverer answers every outcome itself; reaching here is a bug, and the fire still needs a result.
        LOG.error("Delivering fire {} failed unexpectedly", fire.getFireId(), error);
        Instant now = Instant.now();
        return ExecutionResults.failed(fire, now, now, null, "internal error: " + error);
    }
}

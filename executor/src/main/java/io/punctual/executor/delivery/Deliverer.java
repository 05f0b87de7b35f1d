package io.punctual.executor.delivery;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;

import java.util.concurrent.CompletableFuture;

/**
 * Makes one delivery attempt of one fire. Implementations complete normally for every outcome, failures
 * included, so that each fire gets a result: an exceptional completion is a bug, not an outcome.
 */
public interface Deliverer {
    CompletableFuture<ExecutionResult> deliver(DueEvent fire);
}

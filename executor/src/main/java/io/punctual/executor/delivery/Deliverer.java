package io.punctual.executor.delivery;

import io.punctual.schemas.DueEvent;

import java.util.concurrent.CompletableFuture;

/**
 * Makes one delivery attempt of one fire. Implementations complete normally for every outcome, failures
 * included, so that each fire gets a result: an exceptional completion is a bug, not an outcome.
 */
public interface Deliverer {
    CompletableFuture<Attempt> deliver(DueEvent fire);
}

package io.punctual.executor.runs;

import io.punctual.executor.letta.LettaAnswer;
import io.punctual.schemas.DueEvent;

import java.util.concurrent.CompletableFuture;

/** Looks a Letta run up ({@code GET /v1/runs/{id}}) with the key and server of the fire that started it, without blocking. */
@FunctionalInterface
public interface RunLookup {
    CompletableFuture<LettaAnswer> lookUp(DueEvent fire, String runId);
}

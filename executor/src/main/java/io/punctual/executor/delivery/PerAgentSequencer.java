package io.punctual.executor.delivery;

import io.punctual.executor.metrics.ExecutorMeters;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Runs tasks for one agent one after the other, in submission order, and tasks for different agents
 * independently. Letta's behaviour with two concurrent requests to one agent is undefined, so this is a
 * correctness rule, not a politeness.
 */
final class PerAgentSequencer {
    private final ConcurrentMap<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
    /** Fires queued or running per agent, for the queue depth metric. */
    private final ConcurrentMap<String, Integer> queued = new ConcurrentHashMap<>();

    /** Starts the task once every task submitted earlier for the agent has completed, however it completed. */
    <T> CompletableFuture<T> submit(String agentId, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<?> previous = tails.put(agentId, result);
        int ahead = queued.merge(agentId, 1, Integer::sum) - 1;
        result.whenComplete((ignored, error) -> queued.computeIfPresent(agentId, (k, n) -> n == 1 ? null : n - 1));
        ExecutorMeters.global().queuedForAgent(ahead);
        Runnable start = () -> startInto(task, result);
        if (previous == null) {
            start.run();
        } else {
            previous.whenComplete((ignored, error) -> {
                ExecutorMeters.global().agentWaitOver();
                start.run();
            });
        }
        // Forget an idle agent, unless a later task already queued behind this one.
        result.whenComplete((ignored, error) -> tails.remove(agentId, result));
        return result;
    }

    /** Agents with a task queued or running. */
    int activeAgents() {
        return tails.size();
    }

    private static <T> void startInto(Supplier<CompletableFuture<T>> task, CompletableFuture<T> result) {
        CompletableFuture<T> started;
        try {
            started = task.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        started.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
    }
}

package io.punctual.executor.delivery;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Bounds how many asynchronous tasks run at once without blocking a thread: a task over the limit waits in
 * a queue and is started by the completion of an earlier one. Waiting tasks start in the order of their rank
 * (then of submission), so a task ranked early but submitted late (a fire that waited for its agent) goes ahead
 * of later-ranked ones: results then settle roughly in batch order and can be committed sooner.
 */
final class InFlightLimiter {
    private final int limit;
    private record Waiting(long rank, long order, Runnable task) {
    }

    private final Queue<Waiting> waiting = new PriorityQueue<>(Comparator.comparingLong(Waiting::rank).thenComparingLong(Waiting::order));
    private long submitted;
    private int running;
    // Tasks that complete at once (a key that does not decrypt) would otherwise start each other recursively,
    // one stack frame deeper per queued task.
    private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> Boolean.FALSE);

    InFlightLimiter(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
        return submit(0, task);
    }

    /** Like {@link #submit(Supplier)}; among waiting tasks, a lower rank starts first. */
    <T> CompletableFuture<T> submit(long rank, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            waiting.add(new Waiting(rank, submitted++, () -> run(task, result)));
        }
        drain();
        return result;
    }

    synchronized int running() {
        return running;
    }

    private <T> void run(Supplier<CompletableFuture<T>> task, CompletableFuture<T> result) {
        CompletableFuture<T> started;
        try {
            started = task.get();
        } catch (RuntimeException e) {
            release();
            result.completeExceptionally(e);
            return;
        }
        started.whenComplete((value, error) -> {
            // Release first, so that whoever waits on the result sees the permit back.
            release();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
    }

    private void release() {
        synchronized (this) {
            running--;
        }
        drain();
    }

    private void drain() {
        if (draining.get()) {
            return; // an outer drain on this thread starts the next task when this frame returns to it
        }
        draining.set(Boolean.TRUE);
        try {
            while (true) {
                Runnable next;
                synchronized (this) {
                    if (running >= limit || waiting.isEmpty()) {
                        return;
                    }
                    running++;
                    next = waiting.poll().task();
                }
                next.run();
            }
        } finally {
            draining.set(Boolean.FALSE);
        }
    }
}

package io.punctual.executor.delivery;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Bounds how many asynchronous tasks run at once without blocking a thread: a task over the limit waits in
 * a queue and is started by the completion of an earlier one.
 */
public final class InFlightLimiter {
    private final int limit;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int running;
    // Tasks that complete at once (a key that does not decrypt) would otherwise start each other recursively,
    // one stack frame deeper per queued task.
    private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> Boolean.FALSE);

    public InFlightLimiter(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            waiting.add(() -> run(task, result));
        }
        drain();
        return result;
    }

    public synchronized int running() {
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
                    next = waiting.poll();
                }
                next.run();
            }
        } finally {
            draining.set(Boolean.FALSE);
        }
    }
}

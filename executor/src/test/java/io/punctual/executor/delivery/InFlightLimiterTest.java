package io.punctual.executor.delivery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightLimiterTest {

    @Test
    void startsQueuedTasksAsEarlierOnesComplete() {
        InFlightLimiter limiter = new InFlightLimiter(2);
        List<CompletableFuture<Integer>> pending = new ArrayList<>();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            results.add(limiter.submit(() -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                pending.add(f);
                return f.thenApply(v -> n);
            }));
        }

        assertThat(pending).hasSize(2);
        assertThat(limiter.running()).isEqualTo(2);
        pending.get(1).complete(0);
        assertThat(pending).hasSize(3);
        pending.get(0).completeExceptionally(new RuntimeException("boom"));
        assertThat(pending).hasSize(4);
        pending.get(2).complete(0);
        pending.get(3).complete(0);
        pending.get(4).complete(0);

        assertThat(limiter.running()).isZero();
        assertThat(results.get(0)).isCompletedExceptionally();
        assertThat(results.get(4)).isCompletedWithValue(4);
    }

    @Test
    void manyTasksThatCompleteAtOnceDoNotNestStackFrames() {
        InFlightLimiter limiter = new InFlightLimiter(1);
        CompletableFuture<Integer> gate = new CompletableFuture<>();
        limiter.submit(() -> gate);
        List<CompletableFuture<Integer>> queued = IntStream.range(0, 100_000)
                .mapToObj(i -> limiter.submit(() -> CompletableFuture.completedFuture(i)))
                .toList();

        gate.complete(-1);

        assertThat(queued).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(limiter.running()).isZero();
    }
}

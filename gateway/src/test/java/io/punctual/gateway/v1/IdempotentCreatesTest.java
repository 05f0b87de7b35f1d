package io.punctual.gateway.v1;

import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotentCreatesTest {

    @Test
    void theMemoryIsBoundedAndAKeyStillAnswersItsFirstAnswer() {
        IdempotentCreates creates = new IdempotentCreates(Duration.ofHours(24), 100);
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 5_000; i++) {
            int n = i;
            creates.once("t_1", "key-" + i, () -> new IdempotentCreates.CreatedSchedule("sch_" + n, calls.incrementAndGet(), null));
        }
        assertThat(calls).hasValue(5_000);
        // Bounded by size (the old map only dropped expired entries, so 5,000 live ones stayed).
        assertThat(creates.size()).isLessThanOrEqualTo(100);

        IdempotentCreates.CreatedSchedule first = creates.once("t_1", "again", () -> new IdempotentCreates.CreatedSchedule("sch_a", 1, null));
        IdempotentCreates.CreatedSchedule second = creates.once("t_1", "again", () -> new IdempotentCreates.CreatedSchedule("sch_b", 1, null));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void answersExpireAfterTheTtl() throws Exception {
        IdempotentCreates creates = new IdempotentCreates(Duration.ofMillis(50), 100);
        creates.once("t_1", "k", () -> new IdempotentCreates.CreatedSchedule("sch_a", 1, null));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> creates.size() == 0);
    }

    @Test
    void aRetryWhileTheFirstCreateIsPendingGetsTheFirstAnswerWithoutASecondCreate() {
        IdempotentCreates creates = new IdempotentCreates(Duration.ofHours(24), 100);
        CompletableFuture<IdempotentCreates.CreatedSchedule> planner = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<IdempotentCreates.CreatedSchedule> first = creates.onceAsync("t_1", "k", () -> {
            calls.incrementAndGet();
            return planner;
        });
        CompletableFuture<IdempotentCreates.CreatedSchedule> retry = creates.onceAsync("t_1", "k", () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(new IdempotentCreates.CreatedSchedule("sch_other", 1, null));
        });
        assertThat(retry).isNotDone();
        planner.complete(new IdempotentCreates.CreatedSchedule("sch_a", 1, null));
        assertThat(first.join().scheduleId()).isEqualTo("sch_a");
        assertThat(retry.join().scheduleId()).isEqualTo("sch_a");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aRefusalFailsWithItsProblemUnwrappedAndIsNotRemembered() {
        IdempotentCreates creates = new IdempotentCreates(Duration.ofHours(24), 100);
        ApiProblem refused = new ApiProblem(ProblemType.CONFLICT, "taken");
        CompletableFuture<IdempotentCreates.CreatedSchedule> failed = creates.onceAsync("t_1", "k",
                () -> CompletableFuture.<IdempotentCreates.CreatedSchedule>completedFuture(null).thenApply(x -> {
                    throw refused;
                }));
        assertThat(failed).isCompletedExceptionally();
        failed.handle((v, e) -> assertThat(e).isSameAs(refused)).join();
        assertThatThrownBy(() -> creates.once("t_1", "k2", () -> {
            throw refused;
        })).isSameAs(refused);
        assertThat(creates.onceAsync("t_1", "k", () -> CompletableFuture.completedFuture(new IdempotentCreates.CreatedSchedule("sch_b", 1, null)))
                .join().scheduleId()).isEqualTo("sch_b");
    }
}

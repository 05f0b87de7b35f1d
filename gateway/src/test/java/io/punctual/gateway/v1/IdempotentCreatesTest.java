package io.punctual.gateway.v1;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotentCreatesTest {

    @Test
    void theMemoryIsBoundedAndAKeyStillAnswersItsFirstAnswer() {
        IdempotentCreates creates = new IdempotentCreates(Duration.ofHours(24), 100);
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 5_000; i++) {
            int n = i;
            creates.once("t_1", "key-" + i, () -> new IdempotentCreates.CreatedSchedule("sch_" + n, calls.incrementAndGet(), "{}"));
        }
        assertThat(calls).hasValue(5_000);
        // Bounded by size (the old map only dropped expired entries, so 5,000 live ones stayed).
        assertThat(creates.size()).isLessThanOrEqualTo(100);

        IdempotentCreates.CreatedSchedule first = creates.once("t_1", "again", () -> new IdempotentCreates.CreatedSchedule("sch_a", 1, "{}"));
        IdempotentCreates.CreatedSchedule second = creates.once("t_1", "again", () -> new IdempotentCreates.CreatedSchedule("sch_b", 1, "{}"));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void answersExpireAfterTheTtl() throws Exception {
        IdempotentCreates creates = new IdempotentCreates(Duration.ofMillis(50), 100);
        creates.once("t_1", "k", () -> new IdempotentCreates.CreatedSchedule("sch_a", 1, "{}"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> creates.size() == 0);
    }
}

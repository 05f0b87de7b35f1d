package io.punctual.executor.delivery;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FinishedFiresTest {
    private static DueEvent fire(String id, int attempt) {
        Instant at = Instant.parse("2026-11-22T12:00:00Z");
        return DueEvent.newBuilder().setFireId(id).setScheduleId("s").setTenant("t").setScheduledFor(at).setEmittedAt(at)
                .setAttempt(attempt).setTarget(KafkaTarget.newBuilder().setTopic("x").setValueJson("{}").build()).build();
    }

    private static ExecutionResult result(DueEvent fire, Outcome outcome) {
        return ExecutionResult.newBuilder(ExecutionResults.failed(fire, Instant.EPOCH, Instant.EPOCH, null, null)).setOutcome(outcome).build();
    }

    @Test
    void aFinalResultSettlesEveryAttemptARetryingOneOnlyItsOwn() {
        FinishedFires finished = new FinishedFires(10);
        finished.record(result(fire("a@1", 1), Outcome.RETRYING));
        finished.record(result(fire("b@1", 2), Outcome.DELIVERED));

        assertThat(finished.isFinished(fire("a@1", 1))).isTrue();
        assertThat(finished.isFinished(fire("a@1", 2))).isFalse();
        assertThat(finished.isFinished(fire("b@1", 1))).isTrue();
        assertThat(finished.isFinished(fire("b@1", 3))).isTrue();
        assertThat(finished.isFinished(fire("c@1", 1))).isFalse();
    }

    @Test
    void theOldestAreForgottenBeyondTheCapacity() {
        FinishedFires finished = new FinishedFires(2);
        finished.record(result(fire("a@1", 1), Outcome.DELIVERED));
        finished.record(result(fire("b@1", 1), Outcome.DELIVERED));
        finished.record(result(fire("c@1", 1), Outcome.DELIVERED));

        assertThat(finished.size()).isEqualTo(2);
        assertThat(finished.isFinished(fire("a@1", 1))).isFalse();
        assertThat(finished.isFinished(fire("c@1", 1))).isTrue();
    }
}

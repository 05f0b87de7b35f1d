package io.punctual.executor.retry;

import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyEnforcerTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    // The jitter draws its bound: the longest delay the policy allows, which is what the bounds are about.
    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), bound -> bound);
    private final RetryPolicyEnforcer enforcer = new RetryPolicyEnforcer(backoff, Clock.fixed(NOW, ZoneOffset.UTC));

    private static DueEvent fire(int attempt, int maxAttempts, Duration maxAge, Instant scheduledFor) {
        return DueEvent.newBuilder()
                .setFireId("s@1").setScheduleId("s").setTenant("t").setScheduledFor(scheduledFor).setEmittedAt(scheduledFor)
                .setAttempt(attempt)
                .setTarget(KafkaTarget.newBuilder().setTopic("x").setValueJson("{}").build())
                .setRetry(RetryPolicy.newBuilder().setMaxAttempts(maxAttempts).setMaxAgeMs(maxAge.toMillis()).build())
                .build();
    }

    private static Attempt failure(DueEvent fire, boolean retryable, Duration retryAfter) {
        return new Attempt(ExecutionResults.failed(fire, NOW, NOW, 500, "500 boom"), retryable, retryAfter);
    }

    @Test
    void aRetryableFailureWithAttemptsLeftIsRetryingAfterTheBackoff() {
        DueEvent fire = fire(3, 5, Duration.ofHours(1), NOW);

        ExecutionResult result = enforcer.settle(fire, failure(fire, true, null));

        assertThat(result.getOutcome()).isEqualTo(Outcome.RETRYING);
        assertThat(result.getAttempt()).isEqualTo(3);
        assertThat(result.getNextAttemptAt()).isEqualTo(NOW.plusSeconds(4));
    }

    @Test
    void retryAfterWinsWhenLongerThanTheBackoff() {
        DueEvent fire = fire(1, 5, Duration.ofHours(1), NOW);

        assertThat(enforcer.settle(fire, failure(fire, true, Duration.ofSeconds(20))).getNextAttemptAt()).isEqualTo(NOW.plusSeconds(20));
        assertThat(enforcer.settle(fire, failure(fire, true, Duration.ZERO)).getNextAttemptAt()).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void theLastAttemptFails() {
        DueEvent fire = fire(5, 5, Duration.ofHours(1), NOW);

        ExecutionResult result = enforcer.settle(fire, failure(fire, true, null));

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getDetail()).isEqualTo("gave up after attempt 5 of 5: 500 boom");
    }

    @Test
    void aRetryPastTheMaxAgeFails() {
        DueEvent fire = fire(1, 5, Duration.ofMinutes(10), NOW.minus(Duration.ofMinutes(10)));

        ExecutionResult result = enforcer.settle(fire, failure(fire, true, null));

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getDetail()).contains("max age");
    }

    @Test
    void aFinalFailureIsNotRetried() {
        DueEvent fire = fire(1, 5, Duration.ofHours(1), NOW);

        assertThat(enforcer.settle(fire, failure(fire, false, null)).getOutcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void theBackoffDoublesUpToItsCapAndJittersBelowIt() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
        RetryBackoff jittered = RetryBackoff.withRandomJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));
        for (int i = 0; i < 1000; i++) {
            assertThat(jittered.delayAfter(3)).isBetween(Duration.ZERO, Duration.ofSeconds(4));
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(RetryAfter.parse("2", NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse("Sun, 22 Nov 2026 12:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Sun, 22 Nov 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("-1", NOW)).isEmpty();
    }

    @Test
    void whichStatusesAreRetried() {
        for (int status : new int[]{408, 425, 429, 500, 502, 503, 504}) {
            assertThat(RetryableFailures.isRetryable(status)).as("%d", status).isTrue();
        }
        for (int status : new int[]{400, 401, 403, 404, 409, 422}) {
            assertThat(RetryableFailures.isRetryable(status)).as("%d", status).isFalse();
        }
    }
}

package io.punctual.executor.runs;

import io.punctual.executor.config.RunSettings;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.letta.LettaAnswer;
import io.punctual.executor.retry.RetryBackoff;
import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.executor.support.Fires;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.OverlapPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The per-agent rule on its own: who is delivered, who waits, who is skipped, and when a waiting fire goes. */
class AgentGateTest {
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);
    private final Fires fires = new Fires(KeyMaterial.generate().apiKeyCipher());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
    /** Run id -> status Letta reports. */
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final RunFollower follower = new RunFollower((fire, runId) -> CompletableFuture.completedFuture(
            new LettaAnswer(200, "{\"id\":\"" + runId + "\",\"status\":\"" + statuses.getOrDefault(runId, "running") + "\"}")),
            new RunSettings(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofHours(1), 8, MAX_WAIT), Clock.systemUTC());
    private final AgentGate gate = new AgentGate(follower,
            new RunEndResults(new RetryPolicyEnforcer(RetryBackoff.withRandomJitter(Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC())),
            MAX_WAIT, clock);

    @AfterEach
    void stop() {
        follower.close();
    }

    @Test
    void aFireWaitsForTheRunOfItsAgentAndGoesOnceItEnded() {
        DueEvent first = fires.fire("agent-a", "sk", "one");
        DueEvent second = fires.fire("agent-a", "sk", "two");
        DueEvent other = fires.fire("agent-b", "sk", "other");

        assertThat(gate.admit(first, 0)).isEqualTo(AgentGate.Admission.DISPATCH);
        assertThat(gate.admit(second, 0)).as("the first is still being delivered").isEqualTo(AgentGate.Admission.PARK);
        assertThat(gate.admit(other, 0)).as("another agent is not held up").isEqualTo(AgentGate.Admission.DISPATCH);
        assertThat(gate.admit(second, 0)).as("read again while waiting").isEqualTo(AgentGate.Admission.REPEAT);

        gate.delivered(first, 0, delivered(first, "run-1"), false);
        assertThat(gate.releasable()).as("its run works").isEmpty();
        assertThat(gate.dirty()).singleElement().satisfies(s -> {
            assertThat(s.value().getRuns()).extracting(r -> r.getRunId()).containsExactly("run-1");
            assertThat(s.value().getWaiting()).extracting(w -> w.getFire().getFireId()).containsExactly(second.getFireId());
        });

        statuses.put("run-1", "completed");
        await().atMost(Duration.ofSeconds(5)).until(() -> !gate.drainEnded().isEmpty());
        List<AgentGate.Release> released = gate.releasable();
        assertThat(released).singleElement().satisfies(r -> {
            assertThat(r.fire().getFireId()).isEqualTo(second.getFireId());
            assertThat(r.overlapped()).isFalse();
        });
        assertThat(gate.releasable()).as("one at a time").isEmpty();
    }

    @Test
    void aFireReadAgainWhileItsOwnRunIsFollowedIsARepeatWhoseRunIsKnown() {
        DueEvent first = fires.fire("agent-a", "sk", "one");
        DueEvent second = fires.fire("agent-a", "sk", "two");
        gate.admit(first, 0);
        gate.delivered(first, 0, delivered(first, "run-1"), false);

        // After a restart the due record of the delivered fire is read again (its result was not committed, the
        // agent's state was): the gate knows its run, from which the executor writes the lost result.
        assertThat(gate.admit(first, 0)).isEqualTo(AgentGate.Admission.REPEAT);
        assertThat(gate.followedRunOf(first)).isNotNull().satisfies(run -> assertThat(run.getRunId()).isEqualTo("run-1"));
        assertThat(gate.admit(second, 0)).isEqualTo(AgentGate.Admission.PARK);
        assertThat(gate.followedRunOf(second)).as("a waiting fire has no run").isNull();
    }

    @Test
    void skipSkipsWhileTheAgentHasARunFromAnySchedule() {
        DueEvent first = fires.fire("agent-a", "sk", "one");
        DueEvent skip = DueEvent.newBuilder(fires.fire("agent-a", "sk", "skip")).setOverlap(OverlapPolicy.SKIP).build();
        gate.admit(first, 0);
        gate.delivered(first, 0, delivered(first, "run-1"), false);

        assertThat(gate.admit(skip, 0)).isEqualTo(AgentGate.Admission.SKIP);
        assertThat(gate.workingRun(skip)).isEqualTo("run-1");
    }

    @Test
    void aFireThatWaitedTheMaxWaitGoesOverlappedButOnlyAfterAFreshLookAtTheRun() {
        DueEvent first = fires.fire("agent-a", "sk", "one");
        DueEvent second = fires.fire("agent-a", "sk", "two");
        gate.admit(first, 0);
        gate.admit(second, 0);
        gate.delivered(first, 0, delivered(first, "run-1"), false);

        // Another executor takes the partition over long after: the run is unknown until looked up.
        AgentGate restored = new AgentGate(follower, null, MAX_WAIT, clock);
        restored.restore(0, List.of(gate.dirty().get(0).value()));
        clock.advance(MAX_WAIT.plusSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> follower.lookedUp("run-1"));
        assertThat(restored.releasable()).singleElement().satisfies(r -> assertThat(r.overlapped()).isTrue());
    }

    @Test
    void givingAPartitionUpForgetsItsAgentsAndStopsFollowingTheirRuns() {
        DueEvent first = fires.fire("agent-a", "sk", "one");
        gate.admit(first, 3);
        gate.delivered(first, 3, delivered(first, "run-1"), false);
        assertThat(gate.followedRuns()).isEqualTo(1);

        gate.giveUp(List.of(3));

        assertThat(gate.agents()).isZero();
        assertThat(gate.followedRuns()).isZero();
        assertThat(gate.dirty()).as("the next owner writes them").isEmpty();
    }

    private static ExecutionResult delivered(DueEvent fire, String runId) {
        Instant now = Instant.now();
        return ExecutionResult.newBuilder(ExecutionResults.delivered(fire, now, now, 200, runId)).setRunFollowed(true).build();
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

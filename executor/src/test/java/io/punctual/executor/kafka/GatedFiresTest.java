package io.punctual.executor.kafka;

import io.punctual.executor.config.RunSettings;
import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.Deliverer;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.executor.letta.LettaAnswer;
import io.punctual.executor.retry.RetryBackoff;
import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.executor.runs.AgentGate;
import io.punctual.executor.runs.RunEndResults;
import io.punctual.executor.runs.RunFollower;
import io.punctual.executor.support.Fires;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.AgentRuns;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.FollowedRun;
import io.punctual.schemas.WaitingFire;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The loop's side of the agent gate on its own: what a fire read again after a restart becomes. */
class GatedFiresTest {
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final Fires fires = new Fires(KeyMaterial.generate().apiKeyCipher());
    private final AtomicInteger requests = new AtomicInteger();
    /** Letta as the executor sees it: every message starts run-1, which keeps running. */
    private final Deliverer letta = fire -> {
        requests.incrementAndGet();
        Instant now = Instant.now();
        return CompletableFuture.completedFuture(Attempt.finished(
                ExecutionResult.newBuilder(ExecutionResults.delivered(fire, now, now, 200, "run-1")).setRunFollowed(true).build()));
    };
    /** Run id -> status Letta reports ({@code running} unless set). */
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final RunFollower follower = new RunFollower((fire, runId) -> CompletableFuture.completedFuture(
            new LettaAnswer(200, "{\"id\":\"" + runId + "\",\"status\":\"" + statuses.getOrDefault(runId, "running") + "\"}")),
            new RunSettings(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofHours(1), 8, MAX_WAIT), Clock.systemUTC());
    private final RetryPolicyEnforcer retries = new RetryPolicyEnforcer(RetryBackoff.withRandomJitter(Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC());
    private final AgentGate gate = new AgentGate(follower, new RunEndResults(retries), MAX_WAIT, Clock.systemUTC());
    private final TopicSerdes serdes = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
    private final GatedFires gated = new GatedFires(gate, new AgentRunRecords(serdes), new FireDispatcher(letta, retries, 4),
            new ResultRecords(serdes), new FinishedFires(1_000), fire -> false);

    @AfterEach
    void stop() {
        follower.close();
    }

    /**
     * Seen in drill 1: a fire parked before a kill had its agent's state committed ahead of its record's offset. After
     * the restart it is let go from that state and delivered, and its due record, read again, found the run that
     * delivery started; taking it for a result lost before the restart wrote the fire's result a second time.
     */
    @Test
    void aFireLetGoFromItsRestoredStateAndReadAgainHasOneResult() {
        DueEvent fire = fires.fire("agent-a", "sk", "one");
        gate.restore(0, List.of(new AgentRuns("agent-a", List.of(), List.of(new WaitingFire(fire, Instant.now())))));

        gated.releaseWaiting();
        assertThat(requests).as("let go and delivered").hasValue(1);

        assertThat(gated.admitAndDeliver(fire, 0, 7)).as("read again while its result is uncommitted: nothing to add").isNull();
        GatedFires.Side side = gated.side();
        assertThat(gated.admitAndDeliver(fire, 0, 7)).as("read again after its result was taken for a commit that may still fail").isNull();

        List<ExecutionResult> outcomes = new ArrayList<>();
        gated.addSide(side, new ArrayList<ProducerRecord<byte[], byte[]>>(), outcomes, new ArrayList<>());
        assertThat(outcomes).singleElement().satisfies(r -> assertThat(r.getFireId()).isEqualTo(fire.getFireId()));
        assertThat(requests).as("delivered once").hasValue(1);
    }

    /**
     * Drill 1's lost fires: an agent's state holding a fire's run was committed ahead of the fire's record, the
     * executor was killed, and after the restart the run's end was committed before the record was read again; the
     * fire then counted as settled and never had its result. A restored run ends only once its partition is
     * committed up to where it ended at the restore, past the record that writes the fire's result from the run.
     */
    @Test
    void aRestoredRunEndsOnlyOnceItsPartitionIsCommittedUpToWhereItEndedAtTheRestore() {
        DueEvent fire = fires.fire("agent-a", "sk", "one");
        Instant then = Instant.now().minusSeconds(5);
        FollowedRun run = new FollowedRun("run-restored", fire, then, then, false, 200);
        statuses.put("run-restored", "completed");
        gated.restored(Map.of(0, List.of(new AgentRuns("agent-a", List.of(run), List.of()))), Map.of(DUE_0, 10L));
        await("the run looked up and ended at Letta").atMost(Duration.ofSeconds(5)).until(() -> gate.followedRuns() == 0);

        assertThat(gated.side().ends()).as("its partition not yet committed up to 10").isEmpty();
        gated.committedUpTo(Map.of(DUE_0, 9L));
        assertThat(gated.side().ends()).isEmpty();
        assertThat(gated.isWaiting()).as("the loop keeps looking").isTrue();

        gated.committedUpTo(Map.of(DUE_0, 10L));
        assertThat(gated.side().ends()).singleElement().satisfies(e -> assertThat(e.result().getFireId()).isEqualTo(fire.getFireId()));
    }

    @Test
    void aRunStartedFromABatchEndsOnlyOnceItsFiresRecordIsCommitted() {
        DueEvent fire = fires.fire("agent-a", "sk", "one");
        statuses.put("run-1", "completed");

        assertThat(gated.admitAndDeliver(fire, 0, 41)).as("delivered at once").isCompleted();
        await("the run looked up and ended at Letta").atMost(Duration.ofSeconds(5)).until(() -> gate.followedRuns() == 0);
        assertThat(gated.side().ends()).as("record 41 not committed").isEmpty();

        gated.committedUpTo(Map.of(DUE_0, 42L));
        assertThat(gated.side().ends()).singleElement().satisfies(e -> assertThat(e.result().getRunEnd()).isTrue());
    }

    /**
     * Drill 1's last lost fire: a commit between a released fire's delivery and the commit of its result wrote the
     * agent's state with the fire's run and the fire still waiting. The gate now learns of a released fire's run only
     * in the side that also carries its result and takes it off the waiting list.
     */
    @Test
    void aReleasedFiresRunEntersItsAgentsStateOnlyWithItsResult() {
        DueEvent fire = fires.fire("agent-a", "sk", "one");
        gated.restored(Map.of(0, List.of(new AgentRuns("agent-a", List.of(), List.of(new WaitingFire(fire, Instant.now()))))), Map.of(DUE_0, 0L));
        gate.written(gate.dirty());

        gated.releaseWaiting();
        assertThat(requests).as("delivered").hasValue(1);
        assertThat(gate.dirty()).as("no state to write before its result is").isEmpty();

        GatedFires.Side side = gated.side();
        assertThat(side.released()).hasSize(1);
        assertThat(side.states()).singleElement().satisfies(state -> {
            assertThat(state.value().getRuns()).extracting(FollowedRun::getRunId).containsExactly("run-1");
            assertThat(state.value().getWaiting()).isEmpty();
        });
    }

    /** A state written before that fix can hold both; after a restart the fire's result is written from its run, once. */
    @Test
    void aRestoredStateWithAFireBothWaitingAndRunningWritesItsResultFromTheRun() {
        DueEvent fire = fires.fire("agent-a", "sk", "one");
        Instant then = Instant.now().minusSeconds(5);
        FollowedRun run = new FollowedRun("run-before", fire, then, then, false, 200);
        gated.restored(Map.of(0, List.of(new AgentRuns("agent-a", List.of(run), List.of(new WaitingFire(fire, then))))), Map.of(DUE_0, 0L));

        gated.releaseWaiting();
        GatedFires.Side side = gated.side();
        List<ExecutionResult> outcomes = new ArrayList<>();
        gated.addSide(side, new ArrayList<ProducerRecord<byte[], byte[]>>(), outcomes, new ArrayList<>());

        assertThat(requests).as("not delivered again").hasValue(0);
        assertThat(outcomes).singleElement().satisfies(r -> {
            assertThat(r.getFireId()).isEqualTo(fire.getFireId());
            assertThat(r.getLettaRunId()).isEqualTo("run-before");
            assertThat(r.getRunFollowed()).isTrue();
        });
        assertThat(side.states()).singleElement().satisfies(state -> assertThat(state.value().getWaiting()).isEmpty());
    }

    private static final TopicPartition DUE_0 = new TopicPartition(Topics.DUE.name(), 0);
}

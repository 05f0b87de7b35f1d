package io.punctual.executor;

import io.micrometer.core.instrument.Metrics;
import io.micronaut.context.ApplicationContext;
import io.punctual.executor.kafka.DeliveryService;
import io.punctual.executor.support.ExecutorContexts;
import io.punctual.executor.support.Fires;
import io.punctual.executor.support.Groups;
import io.punctual.executor.support.PlannerStandIn;
import io.punctual.executor.support.TopicTail;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.schemas.RetryPolicy;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Letta runs followed to their end, and one run at a time per agent, end to end: the executor in its Micronaut
 * context on the embedded broker, a Letta stand-in whose background runs stay {@code running} for a while and
 * then end, and this test writing due events the way the planner does.
 */
class RunTrackingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration MAX_WAIT = Duration.ofSeconds(3);
    private static final Duration FOLLOW_LIMIT = Duration.ofSeconds(5);

    private static KafkaFixture kafka;
    private static LettaStandIn letta;
    private static KeyMaterial keys;
    private static String groupId;
    private static ApplicationContext executor;
    private static PlannerStandIn planner;
    private static Serializer<CommandResult> commandResults;
    private static TopicTail results;
    private static Fires fires;

    @BeforeAll
    static void start() {
        kafka = KafkaFixture.shared();
        letta = new LettaStandIn();
        keys = KeyMaterial.generate();
        groupId = kafka.uniqueName("executor-runs");
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        Groups.startAtEnd(kafka, groupId, Topics.DUE.name());
        executor = startExecutor();
        commandResults = serdes.valueSerde(Topics.COMMAND_RESULTS).serializer();
        planner = new PlannerStandIn(kafka);
        results = new TopicTail(kafka, Topics.RESULTS.name());
        fires = new Fires(keys.apiKeyCipher());
    }

    private static ApplicationContext startExecutor() {
        ApplicationContext context = ExecutorContexts.start(kafka, keys, letta.baseUrl(), groupId, "runs-" + UUID.randomUUID(), Map.of(
                ConfigKeys.EXECUTOR_RUNS_MAX_WAIT, MAX_WAIT.toMillis() + "ms",
                ConfigKeys.EXECUTOR_RUNS_FOLLOW_LIMIT, FOLLOW_LIMIT.toMillis() + "ms",
                ConfigKeys.EXECUTOR_RETRY_BASE_DELAY, "100ms",
                ConfigKeys.EXECUTOR_RETRY_MAX_DELAY, "200ms"));
        await("the executor ready").atMost(WAIT).until(context.getBean(DeliveryService.class)::isReady);
        return context;
    }

    @AfterAll
    static void stop() {
        executor.close();
        planner.close();
        results.close();
        letta.close();
    }

    @AfterEach
    void resetLetta() {
        letta.reset();
    }

    @Test
    void anAsyncDeliveryIsFollowedUntilItsRunEndsAndTheEndIsRecordedOnce() {
        letta.runsWorkFor(Duration.ofMillis(800), "completed");
        DueEvent fire = fires.fire(agent(), "sk-1", "follow me");

        planner.publish(fire);
        ExecutionResult delivered = awaitResult(fire, false);
        assertThat(delivered.getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(delivered.getRunFollowed()).isTrue();
        String runId = delivered.getLettaRunId();
        ExecutionResult end = awaitResult(fire, true);

        assertThat(end.getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(end.getLettaRunId()).isEqualTo(runId);
        assertThat(end.getLettaRunStatus()).isEqualTo("completed");
        assertThat(end.getStopReason()).isEqualTo("end_turn");
        assertThat(end.getRunFinishedAt()).isAfterOrEqualTo(delivered.getFinishedAt().minusMillis(1));
        assertThat(end.getAttempt()).isEqualTo(1);
        assertThat(letta.requests()).filteredOn(r -> r.path().equals("/v1/runs/" + runId)).hasSizeGreaterThanOrEqualTo(2);

        // Another run followed to its end later: the first run's end was still recorded once.
        DueEvent later = fires.fire(agent(), "sk-1", "marker");
        planner.publish(later);
        awaitResult(later, true);
        assertThat(resultsOf(fire)).filteredOn(ExecutionResult::getRunEnd).hasSize(1);
    }

    @Test
    void aFailedRunIsAFailedFireAndWithRetryOnRunFailureItIsTriedAgain() {
        letta.runsWorkFor(Duration.ofMillis(300), "failed");
        DueEvent plain = fires.fire(agent(), "sk-1", "fails in the background");
        DueEvent retried = DueEvent.newBuilder(fires.fire(agent(), "sk-1", "fails, try again"))
                .setRetryOnRunFailure(true).setRetry(RetryPolicy.newBuilder().setMaxAttempts(3).setMaxAgeMs(3_600_000).build()).build();

        planner.publish(plain, retried);
        ExecutionResult plainEnd = awaitResult(plain, true);
        ExecutionResult retriedEnd = awaitResult(retried, true);

        assertThat(plainEnd.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(plainEnd.getLettaRunStatus()).isEqualTo("failed");
        assertThat(plainEnd.getDetail()).contains("failed");
        assertThat(retriedEnd.getOutcome()).isEqualTo(Outcome.RETRYING);
        assertThat(retriedEnd.getNextAttemptAt()).isNotNull();

        // The planner emits the same fire as attempt 2; the executor delivers it rather than taking it for a repeat.
        letta.runsWorkFor(Duration.ofMillis(300), "completed");
        planner.publish(DueEvent.newBuilder(retried).setAttempt(2).build());
        ExecutionResult second = awaitResult(retried, 2, true);
        assertThat(second.getLettaRunStatus()).isEqualTo("completed");
        assertThat(letta.messagesTo(((LettaTarget) retried.getTarget()).getAgentId())).hasSize(2)
                .allSatisfy(r -> assertThat(r.header("Idempotency-Key")).contains(retried.getFireId()));
    }

    @Test
    void twoFiresToOneAgentNeverOverlapInLettaAndOtherAgentsAreNotHeldUp() {
        Duration works = Duration.ofMillis(1200);
        letta.runsWorkFor(works, "completed");
        String busy = agent();
        String other = agent();
        DueEvent first = fires.fire(busy, "sk-1", "first");
        DueEvent second = fires.fire(busy, "sk-1", "second");
        DueEvent third = fires.fire(other, "sk-1", "meanwhile");

        planner.publish(first, second, third);
        ExecutionResult firstEnd = awaitResult(first, true);
        ExecutionResult secondEnd = awaitResult(second, true);
        ExecutionResult otherDelivered = awaitResult(third, false);

        assertThat(letta.maxConcurrentRuns(busy)).as("runs of one agent working at once").isEqualTo(1);
        List<RecordedRequest> toBusy = letta.messagesTo(busy);
        assertThat(toBusy).hasSize(2);
        assertThat(toBusy.get(1).receivedAt()).as("the second message waits for the first run's end")
                .isAfterOrEqualTo(toBusy.get(0).receivedAt().plus(works));
        assertThat(secondEnd.getOverlapped()).isFalse();
        assertThat(firstEnd.getLettaRunStatus()).isEqualTo("completed");
        assertThat(otherDelivered.getFinishedAt()).as("the other agent's fire went while the first run worked")
                .isBefore(toBusy.get(0).receivedAt().plus(works));
    }

    @Test
    void aFireWaitsAtMostTheMaxWaitThenGoesMarkedOverlappedAndARunPastTheLimitIsUnknown() {
        letta.runsWorkFor(Duration.ofMinutes(5), "completed");
        String agent = agent();
        DueEvent first = fires.fire(agent, "sk-1", "never ends");
        DueEvent second = fires.fire(agent, "sk-1", "waits");

        planner.publish(first, second);
        ExecutionResult firstDelivered = awaitResult(first, false);
        ExecutionResult secondDelivered = awaitResult(second, false);

        assertThat(secondDelivered.getOverlapped()).isTrue();
        // It started waiting when it was read, in the first fire's batch, before the first request was sent.
        assertThat(secondDelivered.getStartedAt()).isAfterOrEqualTo(firstDelivered.getStartedAt().plus(MAX_WAIT).minusMillis(100));
        ExecutionResult firstEnd = awaitResult(first, true);
        assertThat(firstEnd.getLettaRunStatus()).isEqualTo("unknown");
        assertThat(firstEnd.getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(firstEnd.getRunFinishedAt()).isAfterOrEqualTo(firstDelivered.getFinishedAt().plus(FOLLOW_LIMIT).minusMillis(100));
        assertThat(awaitResult(second, true).getOverlapped()).isTrue();
    }

    @Test
    void overlapSkipSkipsWhileTheAgentHasARunFromAnySchedule() {
        letta.runsWorkFor(Duration.ofSeconds(2), "completed");
        String agent = agent();
        DueEvent working = fires.fire(agent, "sk-1", "working");
        DueEvent skipped = DueEvent.newBuilder(fires.fire(agent, "sk-1", "skip me")).setOverlap(OverlapPolicy.SKIP).build();

        planner.publish(working);
        awaitResult(working, false);
        planner.publish(skipped);

        ExecutionResult result = awaitResult(skipped, false);
        assertThat(result.getOutcome()).isEqualTo(Outcome.SKIPPED_OVERLAP);
        assertThat(result.getDetail()).contains("still working");
        assertThat(letta.messagesTo(agent)).hasSize(1);
    }

    @Test
    void aRestartedExecutorTakesTheRunsItFollowedAndTheFiresWaitingForThemFromKafka() {
        // Shorter than the longest wait: the waiting fire goes once the run has ended, not because it waited too long.
        letta.runsWorkFor(Duration.ofMillis(1500), "completed");
        String agent = agent();
        DueEvent first = fires.fire(agent, "sk-1", "outlives the executor");
        DueEvent second = fires.fire(agent, "sk-1", "waits across the restart");
        planner.publish(first, second);
        ExecutionResult delivered = awaitResult(first, false);

        executor.close();
        executor = startExecutor();

        ExecutionResult end = awaitResult(first, true);
        assertThat(end.getLettaRunId()).isEqualTo(delivered.getLettaRunId());
        // The waiting fire's offset was committed before the restart: only the restored agent state delivers it.
        assertThat(awaitResult(second, false).getOverlapped()).isFalse();
        awaitResult(second, true);
        assertThat(letta.maxConcurrentRuns(agent)).isEqualTo(1);
        assertThat(letta.messagesTo(agent)).hasSize(2);
        assertThat(resultsOf(first)).filteredOn(ExecutionResult::getRunEnd).hasSize(1);
    }

    @Test
    void aFireWhoseScheduleWasDeletedAfterItWasEmittedIsNotDelivered() {
        letta.runsWorkFor(Duration.ofMillis(1500), "completed");
        String agent = agent();
        DueEvent working = fires.fire(agent, "sk-1", "working");
        DueEvent waiting = fires.fire(agent, "sk-1", "deleted while it waits");
        String lagAgent = agent();
        DueEvent lagging = fires.fire(lagAgent, "sk-1", "deleted before it was read");
        planner.publish(working, waiting);
        awaitResult(working, false);
        publishDelete(waiting);
        publishDelete(lagging);

        // Behind the deleted fire: delivered once the first run ends, and without the deleted one before it.
        DueEvent after = fires.fire(agent, "sk-1", "after");
        planner.publish(after);
        awaitResult(after, false);
        assertThat(letta.messagesTo(agent)).hasSize(2);

        // Emitted before its schedule's delete, read after it: not delivered either.
        DueEvent marker = fires.fire(lagAgent, "sk-1", "marker");
        planner.publish(lagging, marker);
        awaitResult(marker, false);
        assertThat(letta.messagesTo(lagAgent)).hasSize(1);
        assertThat(resultsOf(waiting)).isEmpty();
        assertThat(resultsOf(lagging)).isEmpty();
    }

    @Test
    void aFireWhoseScheduleIsDeletedWhileItIsHeldForItsTimeIsNotDelivered() {
        String warmAgent = agent();
        DueEvent warm = fires.fire(warmAgent, "sk-1", "the executor is polling");
        planner.publish(warm);
        awaitResult(warm, false);
        String agent = agent();
        DueEvent held = DueEvent.newBuilder(fires.fire(agent, "sk-1", "deleted while held")).setDeliverAt(Instant.now().plusSeconds(4)).build();
        long handedOver = firesHandedOver();
        planner.publish(held);
        // Read and held (no result, no offset, no request yet): what shows it is the fire handed to its agent's queue.
        await("the held fire read").atMost(WAIT).until(() -> firesHandedOver() > handedOver);
        publishDelete(held);

        DueEvent marker = fires.fire(agent, "sk-1", "marker");
        planner.publish(marker);
        // The marker waits behind the held fire for its agent, so its result means the held fire's time has passed.
        // Not overlapped: the dropped fire no longer counts as being delivered to the agent.
        assertThat(awaitResult(marker, false).getOverlapped()).isFalse();
        assertThat(letta.messagesTo(agent)).hasSize(1);
        assertThat(resultsOf(held)).isEmpty();
    }

    /** Fires the executor has handed to their agents' queues so far (its {@code punctual.executor.agent.queue.depth}). */
    private static long firesHandedOver() {
        return Metrics.globalRegistry.get("punctual.executor.agent.queue.depth").summary().count();
    }

    /** The planner's answer to an accepted delete, as it writes it to punctual.command-results. */
    private static void publishDelete(DueEvent fire) {
        Instant now = Instant.now();
        ScheduleState state = ScheduleState.newBuilder()
                .setScheduleId(fire.getScheduleId()).setStatus(ScheduleStatus.DELETED).setVersion(2)
                .setCreatedAt(fire.getEmittedAt()).setUpdatedAt(now)
                .setSpec(ScheduleSpec.newBuilder().setTenant(fire.getTenant()).setTarget(fire.getTarget())
                        .setCadence(new OnceCadence(fire.getScheduledFor())).build())
                .build();
        CommandResult result = CommandResult.newBuilder()
                .setCommandId("delete-" + UUID.randomUUID()).setScheduleId(fire.getScheduleId()).setAccepted(true)
                .setVersion(2L).setState(state).setProcessedAt(now).build();
        planner.publish(List.of(new ProducerRecord<>(Topics.COMMAND_RESULTS.name(), fire.getScheduleId().getBytes(StandardCharsets.UTF_8),
                commandResults.serialize(Topics.COMMAND_RESULTS.name(), result))));
    }

    private static String agent() {
        return "agent-" + UUID.randomUUID();
    }

    private static ExecutionResult awaitResult(DueEvent fire, boolean runEnd) {
        return awaitResult(fire, 1, runEnd);
    }

    private static ExecutionResult awaitResult(DueEvent fire, int attempt, boolean runEnd) {
        return planner.decode(results.awaitMatching("the " + (runEnd ? "run end" : "result") + " of " + fire.getFireId(), 1, r -> {
            ExecutionResult result = planner.decode(r);
            return result.getFireId().equals(fire.getFireId()) && result.getAttempt() == attempt && result.getRunEnd() == runEnd;
        }).get(0));
    }

    private static List<ExecutionResult> resultsOf(DueEvent fire) {
        return results.readToEnd().stream().map(planner::decode).filter(r -> r.getFireId().equals(fire.getFireId())).toList();
    }
}

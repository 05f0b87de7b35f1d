package io.punctual.executor.delivery;

import io.punctual.executor.retry.RetryBackoff;
import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.executor.support.Fires;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Fires the planner emitted ahead of their time wait for their {@code deliver_at}, in their agent's order. */
class FireDispatcherHoldTest {
    private final Map<String, Long> calledAtMs = new ConcurrentHashMap<>();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final Deliverer recording = fire -> {
        calledAtMs.put(fire.getFireId(), System.currentTimeMillis());
        order.add(fire.getFireId());
        Instant now = Instant.now();
        return CompletableFuture.completedFuture(Attempt.finished(ExecutionResults.delivered(fire, now, now, 200, null)));
    };
    private final FireDispatcher dispatcher = new FireDispatcher(recording,
            new RetryPolicyEnforcer(RetryBackoff.withRandomJitter(Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC()), 4);
    private final Fires fires = new Fires(null);

    @Test
    void aFireAheadOfItsTimeIsDeliveredAtItAndNotBefore() throws Exception {
        Instant deliverAt = Instant.now().plusMillis(300);
        DueEvent fire = DueEvent.newBuilder(fires.kafkaFire("orders", "k", "{}")).setDeliverAt(deliverAt).build();

        CompletableFuture<ExecutionResult> result = dispatcher.deliver(fire);

        assertThat(calledAtMs).as("held, not yet sent").isEmpty();
        assertThat(result.get(5, TimeUnit.SECONDS).getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(calledAtMs.get(fire.getFireId())).isGreaterThanOrEqualTo(deliverAt.toEpochMilli());
    }

    @Test
    void aFireWithoutDeliverAtOrPastItGoesAtOnce() {
        DueEvent plain = fires.kafkaFire("orders", "k", "{}");
        DueEvent late = DueEvent.newBuilder(fires.kafkaFire("orders", "k", "{}")).setDeliverAt(Instant.now().minusSeconds(1)).build();

        dispatcher.deliver(plain);
        dispatcher.deliver(late);

        // Sent on the caller's thread, before deliver returned: no timer in the way.
        assertThat(order).containsExactly(plain.getFireId(), late.getFireId());
    }

    @Test
    void aHeldFireKeepsItsAgentsLaterFiresBehindIt() throws Exception {
        DueEvent first = fires.kafkaFire("orders", "k", "{}");
        DueEvent held = DueEvent.newBuilder(first).setFireId(first.getFireId() + "-held").setDeliverAt(Instant.now().plusMillis(200)).build();
        DueEvent after = DueEvent.newBuilder(first).setFireId(first.getFireId() + "-after").build();
        DueEvent otherSchedule = fires.kafkaFire("orders", "k", "{}");

        CompletableFuture<ExecutionResult> heldResult = dispatcher.deliver(held);
        CompletableFuture<ExecutionResult> afterResult = dispatcher.deliver(after);
        dispatcher.deliver(otherSchedule);

        assertThat(order).as("another schedule's fire does not wait").containsExactly(otherSchedule.getFireId());
        CompletableFuture.allOf(heldResult, afterResult).get(5, TimeUnit.SECONDS);
        assertThat(order).containsExactly(otherSchedule.getFireId(), held.getFireId(), after.getFireId());
    }

    @Test
    void aFireDroppedWhileHeldIsNotDeliveredAndHasNoResultAndItsAgentGoesOn() throws Exception {
        java.util.Set<String> deleted = ConcurrentHashMap.newKeySet();
        FireDispatcher dropping = new FireDispatcher(recording,
                new RetryPolicyEnforcer(RetryBackoff.withRandomJitter(Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC()), 4,
                fire -> deleted.contains(fire.getScheduleId()));
        DueEvent held = DueEvent.newBuilder(fires.kafkaFire("orders", "k", "{}")).setDeliverAt(Instant.now().plusMillis(300)).build();
        DueEvent next = DueEvent.newBuilder(held).setFireId(held.getFireId() + "-next").setDeliverAt(null).build();

        CompletableFuture<ExecutionResult> heldResult = dropping.deliver(held);
        CompletableFuture<ExecutionResult> nextResult = dropping.deliver(next);
        // Deleted after the fire was handed over, before its time: asked when the time comes, not before.
        deleted.add(held.getScheduleId());

        assertThat(heldResult.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(nextResult.get(5, TimeUnit.SECONDS)).as("a fire without deliver_at is not asked").isNotNull();
        assertThat(order).containsExactly(next.getFireId());
    }

    @Test
    void aFireIsNeverHeldLongerThanTheCap() {
        DueEvent farAhead = DueEvent.newBuilder(fires.kafkaFire("orders", "k", "{}")).setDeliverAt(Instant.now().plus(Duration.ofHours(1))).build();

        assertThat(FireDispatcher.holdMillis(farAhead, System.currentTimeMillis())).isEqualTo(FireDispatcher.MAX_HOLD.toMillis());
        assertThat(FireDispatcher.holdMillis(fires.kafkaFire("orders", "k", "{}"), System.currentTimeMillis())).isZero();
    }
}

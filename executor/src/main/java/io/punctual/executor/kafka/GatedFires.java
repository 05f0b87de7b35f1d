package io.punctual.executor.kafka;

import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.executor.metrics.ExecutorMeters;
import io.punctual.executor.runs.AgentGate;
import io.punctual.schemas.AgentRuns;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.FollowedRun;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The delivery loop's side of the one-run-per-agent gate: which fires go now, wait or are skipped, the waiting fires
 * it lets go later, and the records this leaves to write besides a batch (released fires' results, ends of followed
 * runs, agents' states). It exists so that the gate's bookkeeping reads apart from the batch it rides along with; what
 * it takes from the batch is how far each partition is committed, which decides when a run may end ({@link #holds}).
 * Used by the loop's thread only (rebalance callbacks run inside its polls).
 */
final class GatedFires {
    private static final Logger LOG = LoggerFactory.getLogger(GatedFires.class);

    private final AgentGate gate;
    private final AgentRunRecords agentRuns;
    private final FireDispatcher dispatcher;
    private final ResultRecords results;
    private final FinishedFires finishedFires;
    /** Fires not to deliver when let go: a result committed already, or their schedule deleted. */
    private final Predicate<DueEvent> dropped;
    /** Waiting fires let go and being delivered; their results are committed without offsets. */
    private final List<Released> released = new ArrayList<>();
    /** Ends of followed runs drained from the gate and not yet committed. */
    private final List<AgentGate.Ended> pendingEnds = new ArrayList<>();
    /**
     * Fires (by attempt) whose run may not end before their partition is committed up to an offset: a fire delivered
     * from this batch, until its record is committed (with its result); a fire whose run came with an agent's
     * restored state, until the partition is read and committed up to where it ended then (its record, if its result
     * was lost, is read again there and the result written from the run). Why: agents' states are committed ahead of
     * records' offsets, and a run's end committed before its fire's result made a restarted executor take the fire
     * for settled when its record came again, so the fire never had a result (drill 1's lost fires).
     */
    private final Map<String, Hold> holds = new HashMap<>();

    private record Hold(int partition, long untilOffset) {
    }

    /** A waiting fire let go: its delivery, and whether the gate has learnt its outcome yet (in {@link #side()}). */
    private static final class Released {
        private final AgentGate.Release release;
        private final CompletableFuture<ExecutionResult> result;
        private boolean applied;

        Released(AgentGate.Release release, CompletableFuture<ExecutionResult> result) {
            this.release = release;
            this.result = result;
        }

        AgentGate.Release release() {
            return release;
        }

        CompletableFuture<ExecutionResult> result() {
            return result;
        }
    }

    /** What a transaction carries besides a batch: released fires' results, run ends, agents' states. */
    record Side(List<Released> released, List<AgentGate.Ended> ends, List<AgentGate.State> states) {
        static final Side NONE = new Side(List.of(), List.of(), List.of());

        boolean isEmpty() {
            return released.isEmpty() && ends.isEmpty() && states.isEmpty();
        }
    }

    GatedFires(AgentGate gate, AgentRunRecords agentRuns, FireDispatcher dispatcher, ResultRecords results,
               FinishedFires finishedFires, Predicate<DueEvent> dropped) {
        this.gate = gate;
        this.agentRuns = agentRuns;
        this.dispatcher = dispatcher;
        this.results = results;
        this.finishedFires = finishedFires;
        this.dropped = dropped;
    }

    /** True while fires wait for their agents' runs, or records wait for a transaction: the loop then polls more often. */
    boolean isWaiting() {
        return gate.isWaiting() || !released.isEmpty() || !pendingEnds.isEmpty();
    }

    boolean hasReleased() {
        return !released.isEmpty();
    }

    /** Takes the ends of followed runs the gate learnt of; they are written with the next transaction. */
    void drainEnded() {
        pendingEnds.addAll(gate.drainEnded(this::mayEnd));
    }

    /** A run may end once no hold is left on its fire (see {@link #holds}). */
    private boolean mayEnd(FollowedRun run) {
        return !holds.containsKey(attemptKey(run.getFire()));
    }

    /** Offsets of {@code punctual.due} committed (or, with no batch in flight, read past): the holds they lift go. */
    void committedUpTo(Map<TopicPartition, Long> offsets) {
        if (holds.isEmpty()) {
            return;
        }
        offsets.forEach((partition, offset) -> {
            if (Topics.DUE.name().equals(partition.topic())) {
                holds.values().removeIf(h -> h.partition() == partition.partition() && h.untilOffset() <= offset);
            }
        });
    }

    /** The partitions a hold waits on: with no batch in flight, their consumer positions lift holds too. */
    Set<Integer> heldPartitions() {
        Set<Integer> out = new HashSet<>();
        holds.values().forEach(h -> out.add(h.partition()));
        return out;
    }

    /**
     * Delivers the fire unless its agent has a run working: then it waits in the agent's state (null: no result
     * now, its record is settled at once and its partition goes on) or, with overlap SKIP, is skipped.
     */
    CompletableFuture<ExecutionResult> admitAndDeliver(DueEvent event, int partition, long offset) {
        switch (gate.admit(event, partition)) {
            case DISPATCH -> {
                if (AgentGate.agentOf(event) != null) {
                    holds.put(attemptKey(event), new Hold(partition, offset + 1));
                }
                // The gate learns of the run before the result counts as settled. Its state may still be committed
                // ahead of the result (a commit of other fires carries it): a re-read record then writes the result
                // from the run (REPEAT below), and the hold keeps the run from ending before that.
                return dispatcher.deliver(event).thenApply(result -> {
                    gate.delivered(event, partition, result, false);
                    return result;
                });
            }
            case SKIP -> {
                Instant now = Instant.now();
                String run = gate.workingRun(event);
                return CompletableFuture.completedFuture(ExecutionResult.newBuilder(ExecutionResults.skippedOverlap(event, now, now, run, "working"))
                        .setDetail("agent " + AgentGate.agentOf(event) + " has a run still working" + (run == null ? "" : " (" + run + ")"))
                        .build());
            }
            case PARK -> {
                LOG.debug("Fire {} waits for the runs of agent {}", event.getFireId(), AgentGate.agentOf(event));
                return null;
            }
            default -> {
                if (isReleasedHere(event)) {
                    // Let go by this process from the agent's restored state, and its due record read again (that
                    // state was committed ahead of the record's offset): the release writes the result. The run its
                    // delivery started is in the agent's state already, and must not be taken for a lost result.
                    LOG.info("Fire {} attempt {} was let go from its agent's state; its result comes from that delivery", event.getFireId(),
                            event.getAttempt());
                    return null;
                }
                FollowedRun run = gate.followedRunOf(event);
                if (run != null) {
                    // Delivered and followed, but the executor stopped before the delivery's result was committed
                    // (the agent's state was): the result is written now, from the run, not delivered again.
                    LOG.info("Fire {} attempt {} was delivered (run {}) before a restart; its result is written now", event.getFireId(),
                            event.getAttempt(), run.getRunId());
                    return CompletableFuture.completedFuture(resultOf(run));
                }
                LOG.info("Fire {} attempt {} is waiting already; not delivered again", event.getFireId(), event.getAttempt());
                return null;
            }
        }
    }

    /** True while a fire this process let go has its result uncommitted (in delivery, or written with the next transaction). */
    private boolean isReleasedHere(DueEvent event) {
        String key = attemptKey(event);
        return released.stream().anyMatch(r -> attemptKey(r.release().fire()).equals(key));
    }

    /** The delivery result of the fire that started {@code run}, from the run: its times, status and run id. */
    private static ExecutionResult resultOf(FollowedRun run) {
        return ExecutionResult.newBuilder(ExecutionResults.delivered(run.getFire(), run.getStartedAt(), run.getDeliveredAt(), run.getHttpStatus(),
                run.getRunId())).setRunFollowed(true).setOverlapped(run.getOverlapped()).build();
    }

    private static String attemptKey(DueEvent fire) {
        return fire.getFireId() + "#" + fire.getAttempt();
    }

    /** Lets go the waiting fires whose agent is free (or that waited the longest wait allowed). */
    void releaseWaiting() {
        for (AgentGate.Release release : gate.releasable()) {
            DueEvent fire = release.fire();
            if (dropped.test(fire)) {
                gate.releaseDropped(fire, release.partition());
                continue;
            }
            if (release.overlapped()) {
                LOG.info("Fire {} waited the longest wait allowed for agent {}; delivered while an earlier run works", fire.getFireId(), AgentGate.agentOf(fire));
            }
            // The gate learns of the outcome (the run it started) in side(), on this thread, not here: an agent's state
            // then holds a released fire's run only in the very commit that writes the fire's result and takes it off
            // the waiting list. Learnt here, a commit in between wrote the run with the fire still waiting and no
            // result, and a restart took the fire for settled once the run ended (drill 1's lost fire, fifth session).
            CompletableFuture<ExecutionResult> result = dispatcher.deliver(fire)
                    .thenApply(r -> release.overlapped() && r != null ? ExecutionResult.newBuilder(r).setOverlapped(true).build() : r);
            released.add(new Released(release, result));
        }
    }

    /** What the next transaction carries besides a batch. */
    Side side() {
        pendingEnds.addAll(gate.drainEnded(this::mayEnd));
        List<Released> done = released.stream().filter(r -> r.result().isDone()).toList();
        for (Released r : done) {
            AgentGate.Release release = r.release();
            if (!r.applied) {
                gate.delivered(release.fire(), release.partition(), r.result().join(), release.overlapped());
                r.applied = true;
            }
            gate.released(release.fire(), release.partition());
        }
        return new Side(done, List.copyOf(pendingEnds), gate.dirty());
    }

    /** Adds the side's records to a transaction's; its delivery results to {@code outcomes}, its run ends to {@code ends}. */
    void addSide(Side side, List<ProducerRecord<byte[], byte[]>> out, List<ExecutionResult> outcomes, List<ExecutionResult> ends) {
        for (Released r : side.released()) {
            ExecutionResult result = r.result().join();
            if (result == null) {
                continue; // dropped when its time came: no result
            }
            outcomes.add(result);
            out.add(results.of(result));
            if (result.getOutcome() == Outcome.FAILED) {
                out.add(DeadLetters.ofFailure(agentRuns.asDueRecord(r.release().fire(), r.release().partition()), result));
            }
        }
        for (AgentGate.Ended end : side.ends()) {
            ends.add(end.result());
            out.add(results.of(end.result()));
        }
        side.states().forEach(state -> out.add(agentRuns.of(state)));
    }

    /** After the transaction carrying the side committed: forgets what it wrote. */
    void sideCommitted(Side side, List<ExecutionResult> ends) {
        if (side.isEmpty()) {
            return;
        }
        // By identity, in one pass: removeAll compared every pending entry with the side's ones (deep Avro equals),
        // quadratic in the ends of a commit; and only the very entries the side carried are written.
        released.removeIf(identitySet(side.released())::contains);
        pendingEnds.removeIf(identitySet(side.ends())::contains);
        gate.written(side.states());
        ends.forEach(finishedFires::record);
        ExecutorMeters.global().runsEnded(ends);
    }

    /** Commits what waits besides a batch (no batch in flight, no offsets): released fires' results, run ends, states. */
    void commitSide(TransactionalCommitter committer) {
        Side side = side();
        if (side.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<ExecutionResult> outcomes = new ArrayList<>();
        List<ExecutionResult> ends = new ArrayList<>();
        addSide(side, out, outcomes, ends);
        committer.commit(out);
        sideCommitted(side, ends);
        outcomes.forEach(finishedFires::record);
        ExecutorMeters.global().committed(outcomes, out);
    }

    /** Waits, until the deadline, for the released fires of these partitions (null: all) to have their results. */
    void awaitReleased(Set<Integer> partitions, long deadlineNanos) {
        for (Released r : List.copyOf(released)) {
            if (partitions != null && !partitions.contains(r.release().partition())) {
                continue;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            try {
                r.result().get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Before any record of newly assigned partitions: their agents' runs and waiting fires, as last committed. */
    void restore(ExecutorKafkaClients clients, Set<Integer> partitions) {
        Map<Integer, Collection<AgentRuns>> states = agentRuns.restore(clients, partitions);
        // Read after the states: every fire of a restored run has its record before these ends.
        Map<TopicPartition, Long> dueEnds = clients.highWatermarks(partitions.stream().map(p -> new TopicPartition(Topics.DUE.name(), p)).toList());
        restored(states, dueEnds);
    }

    /** Takes over restored states; their runs may end once their partition is committed up to {@code dueEnds}. */
    void restored(Map<Integer, Collection<AgentRuns>> states, Map<TopicPartition, Long> dueEnds) {
        gate.giveUp(states.keySet());
        holds.values().removeIf(h -> states.containsKey(h.partition()));
        states.forEach((partition, agents) -> {
            long until = dueEnds.get(new TopicPartition(Topics.DUE.name(), partition));
            agents.forEach(agent -> agent.getRuns().forEach(run -> holds.put(attemptKey(run.getFire()), new Hold(partition, until))));
            for (FollowedRun run : gate.restore(partition, agents)) {
                LOG.info("Fire {} attempt {} was let go and delivered (run {}) before a restart; its result is written now", run.getFire().getFireId(),
                        run.getFire().getAttempt(), run.getRunId());
                Released recovered = new Released(new AgentGate.Release(run.getFire(), partition, run.getOverlapped()),
                        CompletableFuture.completedFuture(resultOf(run)));
                recovered.applied = true; // its run came with the state
                released.add(recovered);
            }
        });
    }

    /** Gives up the agents of partitions no longer owned, and what was pending for them. */
    void giveUpAgents(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = dueNumbers(partitions);
        gate.giveUp(numbers);
        holds.values().removeIf(h -> numbers.contains(h.partition()));
        released.removeIf(r -> numbers.contains(r.release().partition()));
        pendingEnds.removeIf(e -> numbers.contains(e.partition()));
    }

    private static <T> Set<T> identitySet(Collection<T> items) {
        Set<T> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(items);
        return set;
    }

    static Set<Integer> dueNumbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.stream().filter(p -> Topics.DUE.name().equals(p.topic())).forEach(p -> numbers.add(p.partition()));
        return numbers;
    }
}

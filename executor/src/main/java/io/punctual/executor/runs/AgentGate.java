package io.punctual.executor.runs;

import io.punctual.schemas.AgentRuns;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.FollowedRun;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.schemas.WaitingFire;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One Letta run at a time per agent, for the agents of the partitions this executor owns: a fire to an agent
 * whose previous Punctual run is still working waits (parked, holding no thread and no partition) until that run
 * is terminal, or until it has waited {@code maxWait}, and then is delivered anyway and marked overlapped. A fire
 * with overlap SKIP is skipped while the agent has a run working.
 *
 * <p>The state of each agent (runs followed, fires waiting) is kept here and written to
 * {@code punctual.agent-runs} in the delivery loop's transactions ({@link #dirty()}), so that the partition's
 * next owner takes it over. Called from the loop's thread and from the threads that complete deliveries.
 *
 * <p>It stays one class (about 350 lines): every method reads or changes the same per-agent state under this
 * object's one lock, so that a fire's admission, its release and the run's end are seen in one order; the nested
 * records are the vocabulary of its callers. Split apart, that lock would have to be shared between classes.
 */
public final class AgentGate {

    /** What to do with a fire that arrives. */
    public enum Admission { DISPATCH, PARK, SKIP, REPEAT }

    /** A waiting fire let go: deliver it now. */
    public record Release(DueEvent fire, int partition, boolean overlapped) {
    }

    /** A run's end to record, from the agent of this partition. */
    public record Ended(ExecutionResult result, int partition) {
    }

    /** An agent's state to write: null value for an idle agent (a tombstone). */
    public record State(String agentId, int partition, long version, AgentRuns value) {
    }

    private static final class Waiting {
        final WaitingFire record;
        boolean released;

        Waiting(WaitingFire record) {
            this.record = record;
        }
    }

    private static final class Agent {
        final String id;
        final int partition;
        final List<FollowedRun> runs = new ArrayList<>();
        final List<Waiting> waiting = new ArrayList<>();
        int dispatching;
        long version;

        Agent(String id, int partition) {
            this.id = id;
            this.partition = partition;
        }

        boolean working() {
            return !runs.isEmpty() || dispatching > 0;
        }

        boolean idle() {
            return runs.isEmpty() && waiting.isEmpty() && dispatching == 0;
        }
    }

    private final RunFollower follower;
    private final RunEndResults runEnds;
    private final Duration maxWait;
    private final Clock clock;
    private final Map<String, Agent> agents = new HashMap<>();
    private final Set<String> withWaiting = new LinkedHashSet<>();
    private final Map<String, Agent> dirty = new HashMap<>();
    /** Ends of runs not yet allowed to end (see {@link #drainEnded(Predicate)}): their runs stay with their agents. */
    private final List<RunEnd> heldEnds = new ArrayList<>();
    /** Versions are unique over all agents: a state written is matched to the very change it carries. */
    private long versions;

    public AgentGate(RunFollower follower, RunEndResults runEnds, Duration maxWait, Clock clock) {
        this.follower = follower;
        this.runEnds = runEnds;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    /** The agent a fire is gated by, or null for a fire that is not for Letta. */
    public static String agentOf(DueEvent fire) {
        return fire.getTarget() instanceof LettaTarget letta ? letta.getAgentId() : null;
    }

    /**
     * Admits a fire read from {@code partition}: DISPATCH (it is counted as being delivered until {@link #delivered}),
     * PARK (it waits, written to the agent's state), SKIP (overlap SKIP and the agent has a run working) or REPEAT
     * (it is waiting or being followed already: a due event read again).
     */
    public synchronized Admission admit(DueEvent fire, int partition) {
        String agentId = agentOf(fire);
        if (agentId == null) {
            return Admission.DISPATCH;
        }
        Agent agent = agents.computeIfAbsent(agentId, id -> new Agent(id, partition));
        if (isKnown(agent, fire)) {
            return Admission.REPEAT;
        }
        if (fire.getOverlap() == OverlapPolicy.SKIP && agent.working()) {
            return Admission.SKIP;
        }
        if (agent.working() || !agent.waiting.isEmpty()) {
            agent.waiting.add(new Waiting(new WaitingFire(fire, clock.instant())));
            withWaiting.add(agentId);
            touch(agent);
            return Admission.PARK;
        }
        agent.dispatching++;
        return Admission.DISPATCH;
    }

    /**
     * The followed run this fire attempt started, if the agent's state holds one; null otherwise. A due record read
     * again while its run is followed had its delivery's result lost: results and offsets commit together, and the
     * offset was not committed, while the agent's state (written ahead of it) was.
     */
    public synchronized FollowedRun followedRunOf(DueEvent fire) {
        Agent agent = agents.get(agentOf(fire));
        return agent == null ? null : agent.runs.stream().filter(r -> sameAttempt(r.getFire(), fire)).findFirst().orElse(null);
    }

    /** The run the agent is working on (the oldest), for a skipped fire's detail; null if none is known. */
    public synchronized String workingRun(DueEvent fire) {
        Agent agent = agents.get(agentOf(fire));
        return agent == null || agent.runs.isEmpty() ? null : agent.runs.get(0).getRunId();
    }

    /**
     * A dispatched fire has its result: it no longer counts as being delivered, and the run it started (if Letta
     * runs it in the background) is followed. Ignored for an agent whose partition was given up meanwhile.
     */
    public synchronized void delivered(DueEvent fire, int partition, ExecutionResult result, boolean overlapped) {
        String agentId = agentOf(fire);
        Agent agent = agentId == null ? null : agents.get(agentId);
        if (agent == null || agent.partition != partition) {
            return;
        }
        agent.dispatching = Math.max(0, agent.dispatching - 1);
        if (result != null && result.getOutcome() == Outcome.DELIVERED && result.getRunFollowed() && result.getLettaRunId() != null
                && ((LettaTarget) fire.getTarget()).getMode() == DeliveryMode.ASYNC) {
            FollowedRun run = new FollowedRun(result.getLettaRunId(), fire, result.getStartedAt(), result.getFinishedAt(), overlapped,
                    result.getHttpStatus());
            agent.runs.add(run);
            follower.follow(run);
            touch(agent);
        }
        forgetIfIdle(agent);
    }

    /**
     * Waiting fires that may go now, at most one per agent at a time: the oldest waiting fire of an agent with no
     * run working and nothing being delivered, or one that has waited {@code maxWait} (overlapped).
     */
    public synchronized List<Release> releasable() {
        List<Release> out = new ArrayList<>();
        long now = clock.millis();
        for (Iterator<String> it = withWaiting.iterator(); it.hasNext(); ) {
            Agent agent = agents.get(it.next());
            if (agent == null || agent.waiting.isEmpty()) {
                it.remove();
                continue;
            }
            Waiting head = agent.waiting.get(0);
            if (head.released) {
                continue;
            }
            boolean free = !agent.working();
            boolean late = now - head.record.getWaitingSince().toEpochMilli() >= maxWait.toMillis()
                    && agent.runs.stream().allMatch(r -> follower.lookedUp(r.getRunId()));
            if (free || late) {
                head.released = true;
                agent.dispatching++;
                out.add(new Release(head.record.getFire(), agent.partition, !free));
            }
        }
        return out;
    }

    /** A released fire's result is being committed (or it needs none): it no longer waits. */
    public synchronized void released(DueEvent fire, int partition) {
        Agent agent = agents.get(agentOf(fire));
        if (agent == null || agent.partition != partition) {
            return;
        }
        if (agent.waiting.removeIf(w -> w.released && sameAttempt(w.record.getFire(), fire))) {
            touch(agent);
        }
        forgetIfIdle(agent);
    }

    /** A released fire that is not delivered after all (finished already): it no longer counts as being delivered. */
    public synchronized void releaseDropped(DueEvent fire, int partition) {
        Agent agent = agents.get(agentOf(fire));
        if (agent != null && agent.partition == partition) {
            agent.dispatching = Math.max(0, agent.dispatching - 1);
        }
        released(fire, partition);
    }

    /** The runs that ended since the last call, as results to record; the agents lose them (written with them). */
    public synchronized List<Ended> drainEnded() {
        return drainEnded(run -> true);
    }

    /**
     * As {@link #drainEnded()}, but a run that {@code mayEnd} refuses keeps its end here and stays with its agent
     * (which goes on working) until a later call allows it. The delivery loop refuses the end of a run whose fire's
     * own result is not yet committed: ended first, the fire would count as settled and its result never be written.
     */
    public synchronized List<Ended> drainEnded(Predicate<FollowedRun> mayEnd) {
        List<RunEnd> ends = new ArrayList<>(heldEnds);
        heldEnds.clear();
        ends.addAll(follower.drainEnded());
        List<Ended> out = new ArrayList<>();
        for (RunEnd end : ends) {
            String agentId = agentOf(end.run().getFire());
            Agent agent = agents.get(agentId);
            String runId = end.run().getRunId();
            if (agent == null || agent.runs.stream().noneMatch(r -> r.getRunId().equals(runId))) {
                continue; // its partition was given up meanwhile: the next owner follows it
            }
            if (!mayEnd.test(end.run())) {
                heldEnds.add(end);
                continue;
            }
            agent.runs.removeIf(r -> r.getRunId().equals(runId));
            touch(agent);
            out.add(new Ended(runEnds.of(end), agent.partition));
            forgetIfIdle(agent);
        }
        return out;
    }

    /** The agents whose state changed since it was last written. */
    public synchronized List<State> dirty() {
        List<State> out = new ArrayList<>(dirty.size());
        dirty.values().forEach(agent -> out.add(new State(agent.id, agent.partition, agent.version, valueOf(agent))));
        return out;
    }

    /** These states are committed: unless an agent changed again since, it is clean. */
    public synchronized void written(Collection<State> states) {
        for (State state : states) {
            Agent agent = dirty.get(state.agentId());
            if (agent != null && agent.version == state.version()) {
                dirty.remove(state.agentId());
            }
        }
    }

    /**
     * Takes over the agents of newly owned partitions, as last committed, and follows their runs. Returns the runs of
     * fires that a state still lists as waiting: let go and delivered, but their results never committed (a state
     * written before 2026-11-29 could hold both); they no longer wait, and their results are for the caller to write.
     */
    public synchronized List<FollowedRun> restore(int partition, Collection<AgentRuns> states) {
        List<FollowedRun> delivered = new ArrayList<>();
        for (AgentRuns state : states) {
            Agent agent = new Agent(state.getAgentId(), partition);
            agent.runs.addAll(state.getRuns());
            for (WaitingFire w : state.getWaiting()) {
                FollowedRun run = agent.runs.stream().filter(r -> sameAttempt(r.getFire(), w.getFire())).findFirst().orElse(null);
                if (run == null) {
                    agent.waiting.add(new Waiting(w));
                } else {
                    delivered.add(run);
                    touch(agent);
                }
            }
            agents.put(agent.id, agent);
            if (!agent.waiting.isEmpty()) {
                withWaiting.add(agent.id);
            }
            agent.runs.forEach(follower::follow);
        }
        return delivered;
    }

    /** Gives up the agents of these partitions: their next owner follows their runs and releases their fires. */
    public synchronized void giveUp(Collection<Integer> partitions) {
        for (Iterator<Agent> it = agents.values().iterator(); it.hasNext(); ) {
            Agent agent = it.next();
            if (partitions.contains(agent.partition)) {
                agent.runs.forEach(r -> follower.forget(r.getRunId()));
                heldEnds.removeIf(end -> agent.id.equals(agentOf(end.run().getFire())));
                withWaiting.remove(agent.id);
                it.remove();
            }
        }
        dirty.values().removeIf(agent -> partitions.contains(agent.partition));
    }

    synchronized int agents() {
        return agents.size();
    }

    public synchronized int waitingFires() {
        return agents.values().stream().mapToInt(a -> a.waiting.size()).sum();
    }

    public int followedRuns() {
        return follower.followedRuns();
    }

    /** True while something waits on a run's end: the delivery loop then polls more often. */
    public synchronized boolean isWaiting() {
        return !withWaiting.isEmpty() || follower.followedRuns() > 0 || !heldEnds.isEmpty();
    }

    private static boolean isKnown(Agent agent, DueEvent fire) {
        return agent.waiting.stream().anyMatch(w -> sameAttempt(w.record.getFire(), fire))
                || agent.runs.stream().anyMatch(r -> sameAttempt(r.getFire(), fire));
    }

    private static boolean sameAttempt(DueEvent a, DueEvent b) {
        return a.getFireId().equals(b.getFireId()) && a.getAttempt() == b.getAttempt();
    }

    private void touch(Agent agent) {
        agent.version = ++versions;
        dirty.put(agent.id, agent);
    }

    private void forgetIfIdle(Agent agent) {
        if (agent.idle()) {
            agents.remove(agent.id, agent);
            withWaiting.remove(agent.id);
        }
    }

    private static AgentRuns valueOf(Agent agent) {
        if (agent.runs.isEmpty() && agent.waiting.isEmpty()) {
            return null;
        }
        return new AgentRuns(agent.id, List.copyOf(agent.runs), agent.waiting.stream().map(w -> w.record).toList());
    }

}

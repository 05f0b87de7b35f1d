package io.punctual.executor.runs;

import io.punctual.executor.config.RunSettings;
import io.punctual.executor.letta.LettaAnswer;
import io.punctual.schemas.FollowedRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows Letta runs to their end: one timer thread looks up the runs whose next check is due, without waiting
 * for the answers (the HTTP client is non-blocking), and plans the next check of a run still working with a
 * doubling backoff. No thread and no delivery slot is held per run: a followed run is a map entry and a queue
 * entry. Ends are queued for the delivery loop, which records them on Kafka ({@link #drainEnded()}).
 *
 * <p>What is followed is not remembered here across a restart: the delivery loop writes it to
 * {@code punctual.agent-runs} and hands it back after a restart or a rebalance.
 */
public final class RunFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunFollower.class);
    /** Letta's terminal run statuses; any other status is a run still working. */
    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");
    static final String UNKNOWN = "unknown";
    private static final Duration MAX_TICK = Duration.ofMillis(100);

    private final RunLookup lookup;
    private final RunSettings settings;
    private final Clock clock;
    private final Map<String, Followed> followed = new ConcurrentHashMap<>();
    private final PriorityQueue<Check> checks = new PriorityQueue<>();
    private final Queue<RunEnd> ended = new ConcurrentLinkedQueue<>();
    private final AtomicInteger lookupsInFlight = new AtomicInteger();
    private final AtomicInteger lookupsSent = new AtomicInteger();
    private final ScheduledExecutorService timer;

    public RunFollower(RunLookup lookup, RunSettings settings, Clock clock) {
        this.lookup = lookup;
        this.settings = settings;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "punctual-run-follower");
            thread.setDaemon(true);
            return thread;
        });
        long tick = Math.max(5, Math.min(MAX_TICK.toMillis(), settings.pollInitial().toMillis() / 2));
        timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Starts following the run, unless it is followed already; its first look-up is one initial wait away. */
    public void follow(FollowedRun run) {
        Followed entry = new Followed(run);
        if (followed.putIfAbsent(run.getRunId(), entry) == null) {
            schedule(entry, settings.pollInitial());
        }
    }

    /** Stops following the run (its partition moved to another executor); an answer still on its way is ignored. */
    void forget(String runId) {
        followed.remove(runId);
    }

    /** The runs that ended since the last call, oldest first. */
    List<RunEnd> drainEnded() {
        List<RunEnd> out = new ArrayList<>();
        for (RunEnd end = ended.poll(); end != null; end = ended.poll()) {
            out.add(end);
        }
        return out;
    }

    /**
     * True once the run was looked up since it was handed over (or when it is not followed): a fire is only let
     * go past a run on a fresh look, not on a state restored from before a restart.
     */
    boolean lookedUp(String runId) {
        Followed entry = followed.get(runId);
        return entry == null || entry.lookedUp;
    }

    public int followedRuns() {
        return followed.size();
    }

    int lookupsInFlight() {
        return lookupsInFlight.get();
    }

    /** Look-ups sent since the start. */
    public int lookupsSent() {
        return lookupsSent.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void schedule(Followed entry, Duration wait) {
        entry.interval = wait;
        // Up to 10 % later at random: runs followed at the same moment (a restart restores them all at once) drift
        // apart instead of being looked up in one burst every poll-max.
        long jitter = ThreadLocalRandom.current().nextLong(wait.toMillis() / 10 + 1);
        synchronized (checks) {
            checks.add(new Check(clock.millis() + wait.toMillis() + jitter, entry));
        }
    }

    private void tick() {
        try {
            long now = clock.millis();
            while (lookupsInFlight.get() < settings.maxLookupsInFlight()) {
                Check check;
                synchronized (checks) {
                    check = checks.peek();
                    if (check == null || check.at > now) {
                        return;
                    }
                    checks.poll();
                }
                Followed entry = check.entry;
                if (followed.get(entry.run.getRunId()) != entry) {
                    continue; // forgotten or ended meanwhile
                }
                if (now >= entry.run.getDeliveredAt().toEpochMilli() + settings.followLimit().toMillis()) {
                    end(entry, UNKNOWN, Instant.ofEpochMilli(now), null, null, "not terminal within the follow limit of " + settings.followLimit());
                    continue;
                }
                lookupsInFlight.incrementAndGet();
                lookupsSent.incrementAndGet();
                lookup.lookUp(entry.run.getFire(), entry.run.getRunId()).whenComplete((answer, error) -> {
                    lookupsInFlight.decrementAndGet();
                    answered(entry, answer, error);
                });
            }
        } catch (RuntimeException e) {
            // The timer must go on: a failing tick would cancel every later one.
            LOG.warn("Run follower tick failed: {}", e.toString(), e);
        }
    }

    private void answered(Followed entry, LettaAnswer answer, Throwable error) {
        if (followed.get(entry.run.getRunId()) != entry) {
            return;
        }
        entry.lookedUp = true;
        if (error == null && answer.isSuccess()) {
            String status = answer.runStatus().orElse("");
            if (TERMINAL.contains(status)) {
                end(entry, status, answer.runCompletedAt().orElse(clock.instant()), answer.stopReason().orElse(null),
                        answer.usageJson().orElse(null), null);
                return;
            }
        } else if (error == null && answer.status() == 404) {
            end(entry, UNKNOWN, clock.instant(), null, null, "Letta does not know run " + entry.run.getRunId());
            return;
        } else {
            LOG.debug("Look-up of run {} failed ({}); trying again later", entry.run.getRunId(), error != null ? error.toString() : answer.status());
        }
        Duration next = entry.interval.multipliedBy(2);
        schedule(entry, next.compareTo(settings.pollMax()) > 0 ? settings.pollMax() : next);
    }

    private void end(Followed entry, String status, Instant finishedAt, String stopReason, String usage, String detail) {
        if (followed.remove(entry.run.getRunId(), entry)) {
            ended.add(new RunEnd(entry.run, status, finishedAt, stopReason, usage, detail));
        }
    }

    private static final class Followed {
        final FollowedRun run;
        volatile Duration interval;
        volatile boolean lookedUp;

        Followed(FollowedRun run) {
            this.run = run;
        }
    }

    private record Check(long at, Followed entry) implements Comparable<Check> {
        @Override
        public int compareTo(Check other) {
            return Long.compare(at, other.at);
        }
    }
}

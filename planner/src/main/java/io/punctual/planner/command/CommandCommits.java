package io.punctual.planner.command;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * When a stream thread asks Kafka Streams to commit ({@code ProcessorContext#commit}): at once for a command someone
 * may be waiting for, and at most once per commit interval for any other work.
 *
 * <p>Under exactly-once a command's result and its schedule's state are visible only once the planner's transaction
 * commits, so a gateway's write waited for the commit interval (100 ms) at every hop: once for a create without the
 * quota, three times with it (the command, the tenant's admission, the admitted command). A command whose record was
 * written less than a commit interval ago is <em>fresh</em>: a writer is likely waiting for it. A fresh command asks
 * at once unless its stream thread asked less than {@code gap} ago; then it is left pending and its task's next
 * punctuation asks for it ({@link #takePending}), unless an ask made since has covered it. So commits driven by
 * commands come at most about once per gap and stream thread, however fast commands arrive and however many tasks the
 * thread runs. (Kafka Streams honours an ask after the records it is processing and then halves its batch, so an ask
 * per command would commit after nearly every record.) A backlog (commands older than the commit interval, as in a
 * planner catching up) commits at the interval as before: each commit holds the stream thread, and a planner
 * committing every 10 ms applied half as many commands through a backlog.
 *
 * <p>Any other work (a record handled, an output written by a punctuation) asks at a punctuation once the thread's
 * last ask is a commit interval old ({@link #worked}), so the planner commits as often as Kafka Streams did with that
 * interval while it works. Kafka Streams' own interval is longer (see {@code PlannerService}): it marks a task as
 * needing a commit after every wall-clock punctuation, whether or not it wrote anything, and under exactly-once every
 * such commit is a transaction (offsets only). With the 25 ms scan an idle planner committed at every interval.
 *
 * <p>One instance per processor (per task), used by its stream thread only.
 */
public final class CommandCommits {
    private static final long NONE = Long.MIN_VALUE;
    /** The oldest a hop's timestamp may be (see {@link #hopTimestamp}): far within every topic's retention (7 days). */
    public static final Duration HOP_MAX_AGE = Duration.ofHours(1);
    /**
     * Per stream thread, not per task: under exactly_once_v2 one commit covers every task of the thread, and the
     * tasks of one thread run on it alone.
     */
    private static final ThreadLocal<ThreadAsks> THREAD_ASKS = ThreadLocal.withInitial(ThreadAsks::new);

    /** When a stream thread last asked for a commit. */
    static final class ThreadAsks {
        private long lastMs = NONE;
    }

    private final Supplier<ThreadAsks> thread;

    private final long freshMs;
    private final long gapMs;
    /** When the latest fresh command not yet covered by an ask was handled; {@link #NONE} if there is none. */
    private long pendingAtMs = NONE;
    /** When the earliest work not yet covered by an ask was done; {@link #NONE} if there is none. */
    private long workAtMs = NONE;

    /**
     * @param commitInterval the planner's commit interval: what a command older than that waits for anyway
     * @param gap            the least time between two asks of a stream thread driven by commands (the punctuation interval)
     */
    public CommandCommits(Duration commitInterval, Duration gap) {
        this(commitInterval, gap, THREAD_ASKS::get);
    }

    /** @param thread the asks of the thread this instance runs on (tests give their own) */
    CommandCommits(Duration commitInterval, Duration gap, Supplier<ThreadAsks> thread) {
        this.freshMs = commitInterval.toMillis();
        this.gapMs = gap.toMillis();
        this.thread = thread;
    }

    /** The least time between two asks of a stream thread; a pending ask is looked at this often. */
    public Duration gap() {
        return Duration.ofMillis(gapMs);
    }

    /**
     * A command was handled.
     *
     * @param writtenMs the command record's timestamp
     * @return true when the processor should ask for a commit now
     */
    public boolean handled(long writtenMs, long nowMs) {
        if (nowMs - writtenMs >= freshMs) {
            return false;
        }
        long lastAsk = thread.get().lastMs;
        if (lastAsk != NONE && nowMs - lastAsk < gapMs) {
            pendingAtMs = nowMs;
            return false;
        }
        asked(nowMs);
        return true;
    }

    /**
     * The task did work its thread must commit (handled a record, wrote an output): a punctuation asks for it once the
     * thread's last ask is a commit interval old ({@link #takePending}). A field write, cheap enough for every record.
     */
    public void worked(long nowMs) {
        if (workAtMs == NONE) {
            workAtMs = nowMs;
        }
    }

    /**
     * At a punctuation: true (once) when a fresh command is still waiting for an ask and the thread's last ask is at
     * least the gap ago, or when other work is waiting and the last ask is at least a commit interval ago (otherwise
     * they wait for a later punctuation).
     */
    public boolean takePending(long nowMs) {
        if (pendingAtMs == NONE && workAtMs == NONE) {
            return false;
        }
        long lastAsk = thread.get().lastMs;
        if (lastAsk > pendingAtMs) {
            // Another task of the thread asked after the command was handled: that commit carried it.
            pendingAtMs = NONE;
        }
        if (lastAsk > workAtMs) {
            workAtMs = NONE;
        }
        boolean ask = (pendingAtMs != NONE && nowMs - lastAsk >= gapMs)
                || (workAtMs != NONE && (lastAsk == NONE || nowMs - lastAsk >= freshMs));
        if (ask) {
            asked(nowMs);
        }
        return ask;
    }

    /** A commit was asked for on this thread (by a scan's fires, or by a command): it carries what is pending. */
    public void asked(long nowMs) {
        thread.get().lastMs = nowMs;
        pendingAtMs = NONE;
        workAtMs = NONE;
    }

    /**
     * The timestamp a command's next hop (the quota's request, the admitted command, the answer to an ask) is
     * forwarded with: its own, so that it stays as fresh or as stale as the command was, within
     * [now - {@link #HOP_MAX_AGE}, now] so that a client's timestamp far in the past (older than a topic's retention)
     * or in the future does not travel on.
     *
     * <p>Not clamped to a commit interval before now, as it was until the thirty-third session: a task reads its
     * inputs in timestamp order, so an admitted copy stamped later than a backlog of commands waited behind all of
     * the backlog, and with it the answer to an ask for credit, for which the task holds the tenant's next creates
     * ({@code HeldCreates}). Stamped with the asking command's time, it comes next.
     */
    public long hopTimestamp(long writtenMs, long nowMs) {
        return Math.min(nowMs, Math.max(writtenMs, nowMs - HOP_MAX_AGE.toMillis()));
    }
}

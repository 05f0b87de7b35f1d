package io.punctual.planner.fire;

import java.time.Duration;

/**
 * When a scan that emitted fires asks Kafka Streams to commit at once ({@code ProcessorContext#commit}, honoured
 * right after the thread's punctuations) instead of waiting for the commit interval.
 *
 * <p>Under exactly-once a fire is visible to the executor only once the planner's transaction commits, so a fire
 * emitted when due reached its endpoint up to a scan interval plus a commit interval late (steady p99 about 210 ms).
 * Committing right after the scan takes the commit interval out of that. Only for fires due within the last commit
 * interval: fires long overdue (a planner catching up after an outage or a burst it is behind on) gain nothing that
 * matters from an earlier commit, and each commit holds the stream thread (a planner committing every 10 ms applied
 * half as many commands through a backlog). A scan emits fires only when some are due, so an idle planner and one
 * applying commands or results commit at the interval, as before.
 */
public final class ScanCommits {
    private ScanCommits() {
    }

    /**
     * @param freshestDueMs the latest due time among the fires and retries the scan emitted; {@code Long.MIN_VALUE}
     *                      when it emitted none
     */
    public static boolean shouldAsk(long freshestDueMs, long nowMs, Duration commitInterval) {
        return freshestDueMs != Long.MIN_VALUE && nowMs - freshestDueMs < commitInterval.toMillis();
    }
}

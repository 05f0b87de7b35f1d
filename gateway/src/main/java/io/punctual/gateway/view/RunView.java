package io.punctual.gateway.view;

import io.punctual.schemas.ExecutionResult;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The gateway's view of {@code punctual.results}: the latest runs of each schedule, newest first. */
public final class RunView {
    private final int maxRunsPerSchedule;
    private final Map<String, Deque<ExecutionResult>> runsBySchedule = new ConcurrentHashMap<>();

    public RunView(int maxRunsPerSchedule) {
        this.maxRunsPerSchedule = maxRunsPerSchedule;
    }

    public void apply(ExecutionResult result) {
        Deque<ExecutionResult> runs = runsBySchedule.computeIfAbsent(result.getScheduleId(), id -> new ArrayDeque<>());
        synchronized (runs) {
            runs.addFirst(result);
            while (runs.size() > maxRunsPerSchedule) {
                runs.removeLast();
            }
        }
    }

    /** The runs of a schedule visible to a tenant, newest scheduled time first. */
    public List<ExecutionResult> runsOf(String scheduleId, String tenant) {
        Deque<ExecutionResult> runs = runsBySchedule.get(scheduleId);
        if (runs == null) {
            return List.of();
        }
        List<ExecutionResult> copy;
        synchronized (runs) {
            copy = List.copyOf(runs);
        }
        return copy.stream()
                .filter(r -> r.getTenant().equals(tenant))
                .sorted(Comparator.comparing(ExecutionResult::getScheduledFor).thenComparing(ExecutionResult::getAttempt).reversed())
                .toList();
    }

    public void forget(String scheduleId) {
        runsBySchedule.remove(scheduleId);
    }
}

package io.punctual.gateway.view;

import io.punctual.schemas.ExecutionResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's view of {@code punctual.results}: the latest runs of each schedule, newest first, and which
 * schedules of each tenant have runs (results outlive their schedule: the seed API lists them after a one-time
 * schedule is gone).
 */
public final class RunView {
    private static final Comparator<ExecutionResult> NEWEST_FIRST =
            Comparator.comparing(ExecutionResult::getScheduledFor).thenComparing(ExecutionResult::getAttempt).reversed();

    private final int maxRunsPerSchedule;
    private final Map<String, Deque<ExecutionResult>> runsBySchedule = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> schedulesByTenant = new ConcurrentHashMap<>();

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
        schedulesByTenant.computeIfAbsent(result.getTenant(), t -> ConcurrentHashMap.newKeySet()).add(result.getScheduleId());
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
        return copy.stream().filter(r -> r.getTenant().equals(tenant)).sorted(NEWEST_FIRST).toList();
    }

    /** Every run of every schedule of the tenant, newest first. */
    public List<ExecutionResult> runsOfTenant(String tenant) {
        List<ExecutionResult> all = new ArrayList<>();
        for (String scheduleId : schedulesByTenant.getOrDefault(tenant, Set.of())) {
            all.addAll(runsOf(scheduleId, tenant));
        }
        all.sort(NEWEST_FIRST);
        return all;
    }

    /** The attempts of one fire, newest first. Fire ids start with their schedule id ({@code <schedule>@<millis>}). */
    public List<ExecutionResult> attemptsOf(String fireId, String tenant) {
        int at = fireId.indexOf('@');
        if (at <= 0) {
            return List.of();
        }
        return runsOf(fireId.substring(0, at), tenant).stream().filter(r -> r.getFireId().equals(fireId)).toList();
    }

    /** True if the tenant has ever had results for this schedule (the seed API tells 403 from 404 with it). */
    public boolean hasRunsOf(String scheduleId) {
        return runsBySchedule.containsKey(scheduleId);
    }

    public Optional<String> tenantOf(String scheduleId) {
        Deque<ExecutionResult> runs = runsBySchedule.get(scheduleId);
        if (runs == null) {
            return Optional.empty();
        }
        synchronized (runs) {
            return runs.isEmpty() ? Optional.empty() : Optional.of(runs.peekFirst().getTenant());
        }
    }
}

package io.punctual.planner.metrics;

import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.SchemaRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schedules of one planner instance's active tasks by status, for {@code punctual_planner_schedules}: the sum of
 * their {@link TaskCensus}es, each kept by its task's processor. Unknown (NaN) while a task is still counting what its
 * store held when it started.
 */
public final class ScheduleCensus {
    private final Map<Object, TaskCensus> tasks = new ConcurrentHashMap<>();
    /** Reads stored states' statuses alone, for the tasks' scans (thread-safe, as {@code ProjectedReader} is). */
    private final ScheduleStatuses statuses;

    /** @param registry the registry of the stored states' schemas, to read their statuses alone */
    public ScheduleCensus(SchemaRegistry registry) {
        this.statuses = new ScheduleStatuses(registry);
    }

    /** A task's processor starts: its census, counted in the instance's until {@link #closed}. */
    public TaskCensus opened(Object task) {
        TaskCensus census = new TaskCensus(statuses);
        tasks.put(task, census);
        return census;
    }

    /** The task's processor closed (the task moved, or the instance stops). */
    public void closed(Object task, TaskCensus census) {
        tasks.remove(task, census);
    }

    public double count(ScheduleStatus status) {
        long sum = 0;
        for (TaskCensus census : tasks.values()) {
            if (!census.known()) {
                return Double.NaN;
            }
            sum += census.count(status);
        }
        return sum;
    }
}

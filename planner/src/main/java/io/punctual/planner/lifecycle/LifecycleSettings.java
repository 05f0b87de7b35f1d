package io.punctual.planner.lifecycle;

import java.time.Duration;
import java.util.Objects;

/**
 * How long finished schedules are kept, and how many live ones a tenant may hold.
 *
 * @param completedRetention    how long a COMPLETED schedule stays readable before the planner deletes it (a schedule
 *                              with {@code delete_after_completion} is deleted at once instead)
 * @param maxSchedulesPerTenant most ACTIVE and PAUSED schedules one tenant may hold; 0 for no limit
 */
public record LifecycleSettings(Duration completedRetention, int maxSchedulesPerTenant) {
    public static final Duration DEFAULT_COMPLETED_RETENTION = Duration.ofDays(7);
    public static final int DEFAULT_MAX_SCHEDULES_PER_TENANT = 10_000;

    public LifecycleSettings {
        Objects.requireNonNull(completedRetention, "completedRetention");
        if (completedRetention.isNegative()) {
            throw new IllegalArgumentException("completedRetention must not be negative: " + completedRetention);
        }
        if (maxSchedulesPerTenant < 0) {
            throw new IllegalArgumentException("maxSchedulesPerTenant must not be negative (0: no limit): " + maxSchedulesPerTenant);
        }
    }

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(DEFAULT_COMPLETED_RETENTION, DEFAULT_MAX_SCHEDULES_PER_TENANT);
    }

    public LifecycleSettings withCompletedRetention(Duration value) {
        return new LifecycleSettings(value, maxSchedulesPerTenant);
    }

    public LifecycleSettings withMaxSchedulesPerTenant(int value) {
        return new LifecycleSettings(completedRetention, value);
    }
}

package io.punctual.planner.lifecycle;

import io.punctual.planner.quota.QuotaCredits;

import java.time.Duration;
import java.util.Objects;

/**
 * How long finished schedules are kept, and how many live ones a tenant may hold.
 *
 * @param completedRetention    how long a COMPLETED schedule stays readable before the planner deletes it (a schedule
 *                              with {@code delete_after_completion} is deleted at once instead)
 * @param maxSchedulesPerTenant most ACTIVE and PAUSED schedules one tenant may hold; 0 for no limit
 * @param quotaCredit           places of a busy tenant's quota a planner task asks for in advance ({@code QuotaCredits}); 0: none
 * @param quotaCreditIdle       how long a task holds such places unused before it gives them back
 * @param quotaHold             whether a task holds a busy tenant's creates while its ask for such places is out
 *                              ({@code HeldCreates}); off for a rolling upgrade from, or downgrade to, a planner without it
 */
public record LifecycleSettings(Duration completedRetention, int maxSchedulesPerTenant, int quotaCredit, Duration quotaCreditIdle,
                                boolean quotaHold) {
    public static final Duration DEFAULT_COMPLETED_RETENTION = Duration.ofDays(7);
    public static final int DEFAULT_MAX_SCHEDULES_PER_TENANT = 10_000;
    public static final int DEFAULT_QUOTA_CREDIT = 100;
    public static final Duration DEFAULT_QUOTA_CREDIT_IDLE = Duration.ofSeconds(1);

    public LifecycleSettings {
        Objects.requireNonNull(completedRetention, "completedRetention");
        if (completedRetention.isNegative()) {
            throw new IllegalArgumentException("completedRetention must not be negative: " + completedRetention);
        }
        if (maxSchedulesPerTenant < 0) {
            throw new IllegalArgumentException("maxSchedulesPerTenant must not be negative (0: no limit): " + maxSchedulesPerTenant);
        }
        if (quotaCredit < 0 || quotaCredit > QuotaCredits.MAX_WANTED) {
            throw new IllegalArgumentException("quotaCredit must be 0 (none) to " + QuotaCredits.MAX_WANTED + ": " + quotaCredit);
        }
        Objects.requireNonNull(quotaCreditIdle, "quotaCreditIdle");
        if (quotaCreditIdle.isNegative() || quotaCreditIdle.isZero()) {
            throw new IllegalArgumentException("quotaCreditIdle must be positive: " + quotaCreditIdle);
        }
    }

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(DEFAULT_COMPLETED_RETENTION, DEFAULT_MAX_SCHEDULES_PER_TENANT, DEFAULT_QUOTA_CREDIT, DEFAULT_QUOTA_CREDIT_IDLE, true);
    }

    public LifecycleSettings withCompletedRetention(Duration value) {
        return new LifecycleSettings(value, maxSchedulesPerTenant, quotaCredit, quotaCreditIdle, quotaHold);
    }

    public LifecycleSettings withMaxSchedulesPerTenant(int value) {
        return new LifecycleSettings(completedRetention, value, quotaCredit, quotaCreditIdle, quotaHold);
    }

    public LifecycleSettings withQuotaCredit(int value, Duration idle) {
        return new LifecycleSettings(completedRetention, maxSchedulesPerTenant, value, idle, quotaHold);
    }

    public LifecycleSettings withQuotaHold(boolean value) {
        return new LifecycleSettings(completedRetention, maxSchedulesPerTenant, quotaCredit, quotaCreditIdle, value);
    }
}

package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;

/**
 * What the schedule view needs of a state to apply it: which is newer, and where it is indexed. The whole state is
 * stored as it came; only this much of it is decoded ({@link ScheduleHeads}).
 */
public record ScheduleHead(String scheduleId, String tenant, ScheduleStatus status, long version, long updatedAtMillis, ScheduleSummary summary) {

    static ScheduleHead of(ScheduleState state) {
        return new ScheduleHead(state.getScheduleId(), state.getSpec().getTenant(), state.getStatus(), state.getVersion(),
                state.getUpdatedAt().toEpochMilli(), ScheduleSummary.of(state));
    }

    /** Whether this state may replace {@code current}: a newer version, or the same version updated later (fires keep the version). */
    boolean isNotOlderThan(ScheduleHead current) {
        if (version != current.version) {
            return version > current.version;
        }
        return updatedAtMillis >= current.updatedAtMillis;
    }
}

package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;

import java.util.Locale;

/**
 * What the schedule view needs of a state to apply it: which is newer, and where it is indexed. The whole state is
 * stored as it came; only this much of it is decoded ({@link ScheduleHeads}).
 */
public record ScheduleHead(String scheduleId, String tenant, ScheduleStatus status, long version, long updatedAtMillis, ScheduleSummary summary) {

    static ScheduleHead of(ScheduleState state) {
        return new ScheduleHead(state.getScheduleId(), state.getSpec().getTenant(), state.getStatus(), state.getVersion(),
                state.getUpdatedAt().toEpochMilli(), ScheduleSummary.of(state));
    }

    /** The head of the state an index entry was written for, or null if the entry does not carry it (an older entry). */
    static ScheduleHead fromIndex(String scheduleId, String tenant, byte[] entry) {
        if (!ScheduleSummary.hasHead(entry)) {
            return null;
        }
        ScheduleSummary summary = ScheduleSummary.fromBytes(entry);
        return new ScheduleHead(scheduleId, tenant, ScheduleStatus.valueOf(summary.status().toUpperCase(Locale.ROOT)),
                ScheduleSummary.versionOf(entry), ScheduleSummary.updatedAtOf(entry), summary);
    }

    /** The value of this state's index entries: its summary, version and update time. */
    byte[] indexBytes() {
        return summary.toIndexBytes(version, updatedAtMillis);
    }

    /** Whether this state may replace {@code current}: a newer version, or the same version updated later (fires keep the version). */
    boolean isNotOlderThan(ScheduleHead current) {
        if (version != current.version) {
            return version > current.version;
        }
        return updatedAtMillis >= current.updatedAtMillis;
    }
}

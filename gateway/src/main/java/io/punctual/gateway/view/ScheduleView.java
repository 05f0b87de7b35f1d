package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's materialized view of the planner's schedule state. Fed by two sources that can arrive in
 * either order: {@code punctual.schedules} and the state snapshots in command results (which give
 * read-your-writes). An update is applied only if it is not older than what the view holds.
 */
public final class ScheduleView {
    private final Map<String, ScheduleState> states = new ConcurrentHashMap<>();
    /** Versions at which schedules were deleted, so a late, older record cannot bring one back. */
    private final Map<String, Long> deletedAtVersion = new ConcurrentHashMap<>();

    public Optional<ScheduleState> get(String scheduleId) {
        return Optional.ofNullable(states.get(scheduleId));
    }

    public int size() {
        return states.size();
    }

    /** A state record or snapshot. */
    public void apply(ScheduleState incoming) {
        String id = incoming.getScheduleId();
        if (incoming.getStatus() == ScheduleStatus.DELETED) {
            deletedAtVersion.merge(id, incoming.getVersion(), Math::max);
            states.remove(id);
            return;
        }
        Long deleted = deletedAtVersion.get(id);
        if (deleted != null && incoming.getVersion() <= deleted) {
            return;
        }
        states.merge(id, incoming, (current, next) -> isNotOlder(next, current) ? next : current);
    }

    /** A tombstone on {@code punctual.schedules}: the deletion is final and nothing older can follow it. */
    public void remove(String scheduleId) {
        states.remove(scheduleId);
        deletedAtVersion.remove(scheduleId);
    }

    private static boolean isNotOlder(ScheduleState next, ScheduleState current) {
        if (next.getVersion() != current.getVersion()) {
            return next.getVersion() > current.getVersion();
        }
        // Fires change the state without a new version; the later update wins.
        return !next.getUpdatedAt().isBefore(current.getUpdatedAt());
    }
}

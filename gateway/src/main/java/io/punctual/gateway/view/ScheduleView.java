package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;

import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;

/**
 * The gateway's materialized view of the planner's schedule state. Fed by two sources that can arrive in
 * either order: {@code punctual.schedules} and the state snapshots in command results (which give
 * read-your-writes). An update is applied only if it is not older than what the view holds.
 * Each tenant's schedule ids are also kept sorted, so a tenant's list is read without scanning everyone's.
 */
public final class ScheduleView {
    private final Map<String, ScheduleState> states = new ConcurrentHashMap<>();
    /** Versions at which schedules were deleted, so a late, older record cannot bring one back. */
    private final Map<String, Long> deletedAtVersion = new ConcurrentHashMap<>();
    private final Map<String, NavigableSet<String>> idsByTenant = new ConcurrentHashMap<>();

    public Optional<ScheduleState> get(String scheduleId) {
        return Optional.ofNullable(states.get(scheduleId));
    }

    public int size() {
        return states.size();
    }

    /** A snapshot of every schedule in the view. */
    public List<ScheduleState> all() {
        return List.copyOf(states.values());
    }

    /** How many live schedules the tenant holds. */
    public int countOf(String tenant) {
        NavigableSet<String> ids = idsByTenant.get(tenant);
        return ids == null ? 0 : ids.size();
    }

    /**
     * A page of the tenant's schedules in id order (ids sort by creation time), starting after {@code afterId},
     * keeping only those the filter accepts; at most {@code limit + 1} so a caller can tell whether more follow.
     */
    public List<ScheduleState> page(String tenant, String afterId, int limit, Predicate<ScheduleState> filter) {
        NavigableSet<String> ids = idsByTenant.get(tenant);
        if (ids == null) {
            return List.of();
        }
        NavigableSet<String> tail = afterId == null ? ids : ids.tailSet(afterId, false);
        java.util.ArrayList<ScheduleState> out = new java.util.ArrayList<>();
        for (String id : tail) {
            ScheduleState state = states.get(id);
            if (state != null && filter.test(state)) {
                out.add(state);
                if (out.size() > limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** A state record or snapshot. */
    public void apply(ScheduleState incoming) {
        String id = incoming.getScheduleId();
        if (incoming.getStatus() == ScheduleStatus.DELETED) {
            deletedAtVersion.merge(id, incoming.getVersion(), Math::max);
            drop(id);
            return;
        }
        Long deleted = deletedAtVersion.get(id);
        if (deleted != null && incoming.getVersion() <= deleted) {
            return;
        }
        ScheduleState now = states.merge(id, incoming, (current, next) -> isNotOlder(next, current) ? next : current);
        idsByTenant.computeIfAbsent(now.getSpec().getTenant(), t -> new ConcurrentSkipListSet<>()).add(id);
    }

    /** A tombstone on {@code punctual.schedules}: the deletion is final and nothing older can follow it. */
    public void remove(String scheduleId) {
        drop(scheduleId);
        deletedAtVersion.remove(scheduleId);
    }

    private void drop(String id) {
        ScheduleState gone = states.remove(id);
        if (gone != null) {
            NavigableSet<String> ids = idsByTenant.get(gone.getSpec().getTenant());
            if (ids != null) {
                ids.remove(id);
            }
        }
    }

    private static boolean isNotOlder(ScheduleState next, ScheduleState current) {
        if (next.getVersion() != current.getVersion()) {
            return next.getVersion() > current.getVersion();
        }
        // Fires change the state without a new version; the later update wins.
        return !next.getUpdatedAt().isBefore(current.getUpdatedAt());
    }
}

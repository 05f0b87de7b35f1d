package io.punctual.planner.outcome;

import io.punctual.schemas.ExecutionResult;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The last results applied to each schedule (fire id and attempt), so a result read twice is not counted twice.
 * Results of one schedule arrive in order on one partition, so a short memory per schedule is enough: a copy
 * can only follow its original closely (an executor re-writing after a retried transaction, a replayed due event).
 */
public final class AppliedResults {
    static final int REMEMBERED_PER_SCHEDULE = 32;
    private static final String SEPARATOR = "\n";

    private final KeyValueStore<String, String> store;

    public AppliedResults(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /**
     * Remembers the result and returns true, or returns false when it was applied before. One read of the store
     * for both: a seen-then-remember pair read each result's list twice.
     */
    public boolean rememberIfNew(ExecutionResult result) {
        String remembered = store.get(result.getScheduleId());
        List<String> known = remembered == null ? List.of() : Arrays.asList(remembered.split(SEPARATOR));
        String id = idOf(result);
        if (known.contains(id)) {
            return false;
        }
        Deque<String> ids = new ArrayDeque<>(known);
        ids.addLast(id);
        while (ids.size() > REMEMBERED_PER_SCHEDULE) {
            ids.removeFirst();
        }
        store.put(result.getScheduleId(), String.join(SEPARATOR, ids));
        return true;
    }

    public void forget(String scheduleId) {
        store.delete(scheduleId);
    }

    private static String idOf(ExecutionResult result) {
        // A followed run's end shares its fire id and attempt with the delivery's own result; both count.
        return result.getFireId() + "#" + result.getAttempt() + (result.getRunEnd() ? "#run" : "");
    }
}

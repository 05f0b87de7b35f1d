package io.punctual.planner.outcome;

import io.punctual.schemas.ExecutionResult;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last results applied to each schedule (fire id and attempt), so a result read twice is not counted twice.
 * Results of one schedule arrive in order on one partition, so a short memory per schedule is enough: a copy
 * can only follow its original closely (an executor re-writing after a retried transaction, a replayed due event).
 *
 * <p>Each result is remembered without its schedule id, which is the store's key already and begins every fire id
 * of the schedule ({@code <schedule id>@<nominal millis>}): about 20 characters instead of about 47, so a recurring
 * schedule's full memory of 32 results, rewritten at every result, is about 0.6 KB in the store and its changelog
 * instead of about 1.5 KB (four times its state). Entries stored whole by an earlier version are read as before and
 * shortened when the list is next written.
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
        String scheduleId = result.getScheduleId();
        String remembered = store.get(scheduleId);
        String id = idOf(result);
        Deque<String> ids = new ArrayDeque<>();
        if (remembered != null) {
            for (String known : remembered.split(SEPARATOR)) {
                String shortened = shortened(scheduleId, known);
                if (shortened.equals(id)) {
                    return false;
                }
                ids.addLast(shortened);
            }
        }
        ids.addLast(id);
        while (ids.size() > REMEMBERED_PER_SCHEDULE) {
            ids.removeFirst();
        }
        store.put(scheduleId, String.join(SEPARATOR, ids));
        return true;
    }

    public void forget(String scheduleId) {
        store.delete(scheduleId);
    }

    /** The result as remembered: its fire id without the schedule id, its attempt, and whether it is a run's end. */
    static String idOf(ExecutionResult result) {
        // A followed run's end shares its fire id and attempt with the delivery's own result; both count.
        return shortened(result.getScheduleId(), result.getFireId() + "#" + result.getAttempt() + (result.getRunEnd() ? "#run" : ""));
    }

    /**
     * {@code id} without the schedule id it begins with, as every fire id of the schedule does ({@code @} follows it)
     * and every notification's ({@code !}), else whole. The {@code @} or {@code !} stays, so a shortened id cannot
     * equal one kept whole, which begins with a schedule id.
     */
    private static String shortened(String scheduleId, String id) {
        int end = scheduleId.length();
        return id.length() > end && id.startsWith(scheduleId) && (id.charAt(end) == '@' || id.charAt(end) == '!')
                ? id.substring(end)
                : id;
    }
}

package io.punctual.executor.delivery;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fires whose outcome is already committed, so that a due event seen again (the planner emitting a fire
 * twice, a retry emitted twice) is not delivered again. A fire with a final result is done whatever attempt
 * asks for it; a RETRYING result only settles that one attempt. Bounded: the oldest entries are forgotten
 * first, so this protects against recent repeats, which are the ones that happen.
 *
 * <p>Used by the delivery loop's thread only (restored before its first poll, then updated after each commit).
 */
public final class FinishedFires {
    private final Map<String, Boolean> keys;

    public FinishedFires(int capacity) {
        this.keys = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers a committed result. */
    public void record(ExecutionResult result) {
        if (result.getRunEnd() && result.getOutcome() == Outcome.RETRYING) {
            // The run of a delivered fire failed and the fire is tried again: its next attempt is not a repeat.
            keys.remove(finalKey(result.getFireId()));
        }
        if (result.getOutcome() == Outcome.RETRYING) {
            keys.put(attemptKey(result.getFireId(), result.getAttempt()), Boolean.TRUE);
        } else {
            keys.put(finalKey(result.getFireId()), Boolean.TRUE);
        }
    }

    /** Whether this fire (or this attempt of it) already has its committed result. */
    public boolean isFinished(DueEvent fire) {
        return keys.containsKey(finalKey(fire.getFireId())) || keys.containsKey(attemptKey(fire.getFireId(), fire.getAttempt()));
    }

    public int size() {
        return keys.size();
    }

    private static String finalKey(String fireId) {
        return fireId;
    }

    private static String attemptKey(String fireId, int attempt) {
        // '#' cannot end a fire id, which ends in digits: the two kinds of key never collide.
        return fireId + "#" + attempt;
    }
}

package io.punctual.planner.state;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Whether this instance's copy of the planner's indexes, which have no changelog (the timeline and the deletions:
 * each entry follows from a schedule's state), holds what the committed schedules store holds, so the processor
 * knows when to rebuild them from the schedules.
 *
 * <p>Each rebuild begins a session with a new token, written to the logged meta store and to the local, unlogged one.
 * The processor checks before it changes anything, so every change committed by a session follows (in its own
 * transaction or an earlier one) the session's token in the logged store. The local copy is then current exactly
 * when both tokens are equal:
 * <ul>
 *   <li>a crash: under exactly-once Kafka Streams finds no checkpoint at the next start and wipes the task's
 *       directory, every store with it: no local token, so a rebuild;</li>
 *   <li>the task moved to another instance, which rebuilt and changed the schedules, and came back: the restored
 *       logged token is the other instance's, the local one still this instance's old one: a rebuild;</li>
 *   <li>a clean restart of the same instance, or the task moved away and back with nothing applied elsewhere:
 *       equal, and the local copy (flushed at the clean close) is current.</li>
 * </ul>
 * It relies on exactly-once (the planner always runs with it): without it a crash leaves stores that were never
 * flushed, whose token may still match.
 */
public final class IndexSession {
    static final String KEY = "index-session";
    /** Keys deleted per pass of {@link #clear}, so a large stale copy is not held in the heap at once. */
    private static final int CLEAR_BATCH = 10_000;

    private final KeyValueStore<String, String> logged;
    private final KeyValueStore<String, String> local;

    /**
     * @param logged the task's logged meta store (restored with the schedules)
     * @param local  the task's unlogged meta store (kept with the indexes' copy on this instance)
     */
    public IndexSession(KeyValueStore<String, String> logged, KeyValueStore<String, String> local) {
        this.logged = logged;
        this.local = local;
    }

    /** True when the local indexes hold every committed change of the schedules store. */
    public boolean current() {
        String token = logged.get(KEY);
        return token != null && token.equals(local.get(KEY));
    }

    /** After a rebuild: the local indexes are this new session's, and so is every change committed from now on. */
    public void begin() {
        String token = UUID.randomUUID().toString();
        logged.put(KEY, token);
        local.put(KEY, token);
    }

    /** Deletes every entry of an index's store, before a rebuild; returns how many there were. */
    public static <K, V> long clear(KeyValueStore<K, V> store) {
        long removed = 0;
        while (true) {
            List<K> keys = new ArrayList<>(CLEAR_BATCH);
            try (KeyValueIterator<K, V> it = store.all()) {
                while (it.hasNext() && keys.size() < CLEAR_BATCH) {
                    keys.add(it.next().key);
                }
            }
            if (keys.isEmpty()) {
                return removed;
            }
            keys.forEach(store::delete);
            removed += keys.size();
        }
    }
}

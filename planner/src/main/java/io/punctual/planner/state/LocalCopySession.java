package io.punctual.planner.state;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Whether this instance's copy of the planner's unlogged stores holds what is committed, so the processor knows when
 * to reload and rebuild them. Three stores have no changelog: the schedules store, whose log is punctual.schedules
 * ({@link ScheduleReload}), and the indexes that follow from it (the timeline and the deletions).
 *
 * <p>Each reload begins a session with a new token, written to the logged meta store and to the local, unlogged one.
 * The processor checks before it changes anything, so every change committed by a session follows (in its own
 * transaction or an earlier one) the session's token in the logged store. The local copy is then current exactly
 * when both tokens are equal:
 * <ul>
 *   <li>a crash: under exactly-once Kafka Streams finds no checkpoint at the next start and wipes the task's
 *       directory, every store with it: no local token, so a reload;</li>
 *   <li>the task moved to another instance, which reloaded and changed the schedules, and came back: the restored
 *       logged token is the other instance's, the local one still this instance's old one: a reload;</li>
 *   <li>a clean restart of the same instance, or the task moved away and back with nothing applied elsewhere:
 *       equal, and the local copy (flushed at the clean close, after the last commit) is current.</li>
 * </ul>
 * It relies on exactly-once (the planner always runs with it): without it a crash leaves stores that were never
 * flushed, whose token may still match, and stores that hold changes whose transaction was never committed.
 */
public final class LocalCopySession {
    /** Named when only the indexes were unlogged; kept, so an upgraded planner finds its session. */
    static final String KEY = "index-session";
    /** Keys deleted per pass of {@link #clear}, so a large stale copy is not held in the heap at once. */
    private static final int CLEAR_BATCH = 10_000;

    private final KeyValueStore<String, String> logged;
    private final KeyValueStore<String, String> local;

    /**
     * @param logged the task's logged meta store (restored by Kafka Streams)
     * @param local  the task's unlogged meta store (kept with the unlogged stores on this instance)
     */
    public LocalCopySession(KeyValueStore<String, String> logged, KeyValueStore<String, String> local) {
        this.logged = logged;
        this.local = local;
    }

    /** True when the local copy holds every committed change. */
    public boolean current() {
        String token = logged.get(KEY);
        return token != null && token.equals(local.get(KEY));
    }

    /** After a reload: the local copy is this new session's, and so is every change committed from now on. */
    public void begin() {
        String token = UUID.randomUUID().toString();
        logged.put(KEY, token);
        local.put(KEY, token);
    }

    /** Deletes every entry of an unlogged store, before a reload; returns how many there were. */
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

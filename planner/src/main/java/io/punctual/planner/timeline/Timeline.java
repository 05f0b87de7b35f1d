package io.punctual.planner.timeline;

import io.punctual.planner.state.LocalCopySession;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.List;

/**
 * The time-ordered index of every schedule's next fire, over a key-value store sorted by {@link TimelineKey}.
 * Finding what is due reads only the due entries, so its cost grows with the fires due, not with the schedules stored.
 */
public final class Timeline {
    /** Entries carry everything in their key; RocksDB still needs a value, and a null one would mean "delete". */
    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;
    private final DueScan scan;

    public Timeline(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        this.scan = new DueScan(store);
    }

    public void add(Instant fireAt, String scheduleId) {
        Bytes key = new TimelineKey(fireAt, scheduleId).toBytes();
        store.put(key, PRESENT);
        scan.added(key);
    }

    public void remove(Instant fireAt, String scheduleId) {
        store.delete(new TimelineKey(fireAt, scheduleId).toBytes());
    }

    /** Removes every entry, before a rebuild. Returns how many there were. */
    public long clear() {
        return LocalCopySession.clear(store);
    }

    /**
     * The earliest entries due at {@code now} (fire time at or before it), oldest first, at most {@code limit}.
     * Returned as a list rather than an open iterator so the caller can change the store while working through them.
     */
    public List<TimelineKey> due(Instant now, int limit) {
        return scan.due(now, limit, (key, value) -> TimelineKey.fromBytes(key));
    }
}

package io.punctual.planner.timeline;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The time-ordered index of every schedule's next fire, over a key-value store sorted by {@link TimelineKey}.
 * Finding what is due reads only the due entries, so its cost grows with the fires due, not with the schedules stored.
 */
public final class Timeline {
    /** Entries carry everything in their key; RocksDB still needs a value, and a null one would mean "delete". */
    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;

    public Timeline(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public void add(Instant fireAt, String scheduleId) {
        store.put(new TimelineKey(fireAt, scheduleId).toBytes(), PRESENT);
    }

    public void remove(Instant fireAt, String scheduleId) {
        store.delete(new TimelineKey(fireAt, scheduleId).toBytes());
    }

    /**
     * The earliest entries due at {@code now} (fire time at or before it), oldest first, at most {@code limit}.
     * Returned as a list rather than an open iterator so the caller can change the store while working through them.
     */
    public List<TimelineKey> due(Instant now, int limit) {
        List<TimelineKey> due = new ArrayList<>(Math.min(limit, 1024));
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TimelineKey.start(), TimelineKey.endOfMillisecond(now))) {
            while (due.size() < limit && it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                due.add(TimelineKey.fromBytes(entry.key));
            }
        }
        return due;
    }
}

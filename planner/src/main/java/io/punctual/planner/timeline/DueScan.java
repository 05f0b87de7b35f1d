package io.punctual.planner.timeline;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The due entries of a store keyed by {@link TimelineKey} (timeline, retry timers, deletions), read from a floor
 * instead of from the first possible key. RocksDB keeps a deleted key as a tombstone until a compaction drops it,
 * and an iterator steps over every tombstone in its way: a scan from the start walked past every entry already
 * handled and deleted since the last compaction (after a burst of 100,000 fires, up to 100,000 of them, on every scan,
 * every 25 ms). Every present key is at or after the floor: a put below it lowers it ({@link #added}), and a scan
 * raises it to the first key it found, or to the end of its range when it found none. So a scan steps over the
 * tombstones of at most the entries handled since the scan before it. Kept in memory only: a new instance (a task
 * started or moved) starts from the first possible key, which is always right.
 */
public final class DueScan {
    private final KeyValueStore<Bytes, byte[]> store;
    private Bytes floor = TimelineKey.start();

    public DueScan(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** An entry was put under {@code key}. */
    public void added(Bytes key) {
        if (key.compareTo(floor) < 0) {
            floor = key;
        }
    }

    /** The earliest entries due at {@code now} (time at or before it), oldest first, at most {@code limit}, each read by {@code read}. */
    public <T> List<T> due(Instant now, int limit, BiFunction<Bytes, byte[], T> read) {
        List<T> due = new ArrayList<>(Math.min(limit, 1024));
        Bytes end = TimelineKey.endOfMillisecond(now);
        if (limit <= 0 || floor.compareTo(end) > 0) {
            // Nothing present is at or before the end (the wall clock stepped back): no range from above its end.
            return due;
        }
        Bytes first = null;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(floor, end)) {
            while (due.size() < limit && it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                if (first == null) {
                    first = entry.key;
                }
                due.add(read.apply(entry.key, entry.value));
            }
        }
        // Nothing before the first key found is present; with none found, nothing up to the range's end is.
        floor = first != null ? first : end;
        return due;
    }
}

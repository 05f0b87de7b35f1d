package io.punctual.planner.lifecycle;

import io.punctual.planner.state.LocalCopySession;
import io.punctual.planner.timeline.DueScan;
import io.punctual.planner.timeline.TimelineKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * The time-ordered index of completed schedules' deletions, keyed like the timeline by time then schedule id, so a
 * punctuation reads only the deletions that are due: its cost grows with them, not with the schedules stored.
 * Each entry's value is the {@code completed_at} it was made for: an entry of a completion that was undone (a patch
 * that let the schedule fire again) or redone later no longer matches the state and is dropped.
 */
public final class Purges {
    private final KeyValueStore<Bytes, byte[]> store;
    private final DueScan scan;

    public Purges(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        this.scan = new DueScan(store);
    }

    public void add(Instant deleteAt, String scheduleId, Instant completedAt) {
        Bytes key = new TimelineKey(deleteAt, scheduleId).toBytes();
        store.put(key, ByteBuffer.allocate(Long.BYTES).putLong(completedAt.toEpochMilli()).array());
        scan.added(key);
    }

    /** Removes every entry, before a rebuild. Returns how many there were. */
    public long clear() {
        return LocalCopySession.clear(store);
    }

    public void remove(Due entry) {
        store.delete(new TimelineKey(entry.deleteAt(), entry.scheduleId()).toBytes());
    }

    /** The earliest deletions due at {@code now}, oldest first, at most {@code limit}, as a list the caller may change the store under. */
    public List<Due> due(Instant now, int limit) {
        return scan.due(now, limit, (raw, value) -> {
            TimelineKey key = TimelineKey.fromBytes(raw);
            return new Due(key.fireAt(), key.scheduleId(), Instant.ofEpochMilli(ByteBuffer.wrap(value).getLong()));
        });
    }

    /** A deletion due at {@code deleteAt} for the completion of {@code scheduleId} at {@code completedAt}. */
    public record Due(Instant deleteAt, String scheduleId, Instant completedAt) {
    }
}

package io.punctual.planner.lifecycle;

import io.punctual.planner.timeline.TimelineKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The time-ordered index of completed schedules' deletions, keyed like the timeline by time then schedule id, so a
 * punctuation reads only the deletions that are due: its cost grows with them, not with the schedules stored.
 * Each entry's value is the {@code completed_at} it was made for: an entry of a completion that was undone (a patch
 * that let the schedule fire again) or redone later no longer matches the state and is dropped.
 */
public final class Purges {
    private final KeyValueStore<Bytes, byte[]> store;

    public Purges(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public void add(Instant deleteAt, String scheduleId, Instant completedAt) {
        store.put(new TimelineKey(deleteAt, scheduleId).toBytes(), ByteBuffer.allocate(Long.BYTES).putLong(completedAt.toEpochMilli()).array());
    }

    public void remove(Due entry) {
        store.delete(new TimelineKey(entry.deleteAt(), entry.scheduleId()).toBytes());
    }

    /** The earliest deletions due at {@code now}, oldest first, at most {@code limit}, as a list the caller may change the store under. */
    public List<Due> due(Instant now, int limit) {
        List<Due> due = new ArrayList<>(Math.min(limit, 1024));
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TimelineKey.start(), TimelineKey.endOfMillisecond(now))) {
            while (due.size() < limit && it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                TimelineKey key = TimelineKey.fromBytes(entry.key);
                due.add(new Due(key.fireAt(), key.scheduleId(), Instant.ofEpochMilli(ByteBuffer.wrap(entry.value).getLong())));
            }
        }
        return due;
    }

    /** A deletion due at {@code deleteAt} for the completion of {@code scheduleId} at {@code completedAt}. */
    public record Due(Instant deleteAt, String scheduleId, Instant completedAt) {
    }
}

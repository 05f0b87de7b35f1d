package io.punctual.planner.retry;

import io.punctual.planner.timeline.TimelineKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable retry timers, keyed like the timeline (time first, then the timer id) so that finding what is due
 * reads only what is due. Being a changelogged store of the task that owns the schedule, a timer survives a
 * crash or a rebalance together with the state it belongs to.
 */
public final class RetryTimers {
    private final KeyValueStore<Bytes, byte[]> store;

    public RetryTimers(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public void add(RetryTimer timer) {
        store.put(new TimelineKey(timer.fireAt(), timer.timerId()).toBytes(), RetryTimerCodec.encode(timer));
    }

    public void remove(RetryTimer timer) {
        store.delete(new TimelineKey(timer.fireAt(), timer.timerId()).toBytes());
    }

    /** The earliest timers due at {@code now}, at most {@code limit}, as a list so the caller may change the store. */
    public List<RetryTimer> due(Instant now, int limit) {
        List<RetryTimer> due = new ArrayList<>(Math.min(limit, 256));
        if (limit <= 0) {
            return due;
        }
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TimelineKey.start(), TimelineKey.endOfMillisecond(now))) {
            while (due.size() < limit && it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                due.add(RetryTimerCodec.decode(TimelineKey.fromBytes(entry.key).fireAt(), entry.value));
            }
        }
        return due;
    }
}

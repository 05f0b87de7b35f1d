package io.punctual.planner.retry;

import io.punctual.planner.timeline.DueScan;
import io.punctual.planner.timeline.TimelineKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.List;

/**
 * The durable retry timers, keyed like the timeline (time first, then the timer id) so that finding what is due
 * reads only what is due. Being a changelogged store of the task that owns the schedule, a timer survives a
 * crash or a rebalance together with the state it belongs to.
 */
public final class RetryTimers {
    private final KeyValueStore<Bytes, byte[]> store;
    private final DueScan scan;

    public RetryTimers(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        this.scan = new DueScan(store);
    }

    public void add(RetryTimer timer) {
        Bytes key = new TimelineKey(timer.fireAt(), timer.timerId()).toBytes();
        store.put(key, RetryTimerCodec.encode(timer));
        scan.added(key);
    }

    public void remove(RetryTimer timer) {
        store.delete(new TimelineKey(timer.fireAt(), timer.timerId()).toBytes());
    }

    /** The earliest timers due at {@code now}, at most {@code limit}, as a list so the caller may change the store. */
    public List<RetryTimer> due(Instant now, int limit) {
        return scan.due(now, limit, (key, value) -> RetryTimerCodec.decode(TimelineKey.fromBytes(key).fireAt(), value));
    }
}

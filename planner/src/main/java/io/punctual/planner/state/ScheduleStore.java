package io.punctual.planner.state;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The schedules store, schedule id to state, holding each state as the bytes published on punctual.schedules, so a
 * new state is encoded once for the store and the topic, which is the store's log ({@link #put} returns those bytes).
 * <p>The bytes are those the store held when its values were typed: the same serde (Confluent wire format), and the
 * same schema id, since the registry gives a schema one global id whatever the subject (the typed store's subject
 * was its changelog topic's, {@code punctual.schedules} is this one's). A store, changelog or topic written before reads
 * unchanged; a value of any registered schema id is read, as before.
 */
public final class ScheduleStore {
    private final KeyValueStore<String, byte[]> store;
    private final Serializer<ScheduleState> serializer;
    private final Deserializer<ScheduleState> deserializer;

    public ScheduleStore(KeyValueStore<String, byte[]> store, Serde<ScheduleState> serde) {
        this.store = store;
        this.serializer = serde.serializer();
        this.deserializer = serde.deserializer();
    }

    /** The state of the schedule, or null if none is stored; fails as the serde does (a registry outage included). */
    public ScheduleState get(String scheduleId) {
        return decode(store.get(scheduleId));
    }

    /** Stores the state and returns its encoding, to publish as it is. */
    public byte[] put(ScheduleState state) {
        byte[] encoded = serializer.serialize(Topics.SCHEDULES.name(), state);
        store.put(state.getScheduleId(), encoded);
        return encoded;
    }

    public void delete(String scheduleId) {
        store.delete(scheduleId);
    }

    /** Every stored state, in key order, decoded as it is read; close it. */
    public KeyValueIterator<String, ScheduleState> all() {
        KeyValueIterator<String, byte[]> encoded = store.all();
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return encoded.hasNext();
            }

            @Override
            public KeyValue<String, ScheduleState> next() {
                KeyValue<String, byte[]> entry = encoded.next();
                return KeyValue.pair(entry.key, decode(entry.value));
            }

            @Override
            public String peekNextKey() {
                return encoded.peekNextKey();
            }

            @Override
            public void close() {
                encoded.close();
            }
        };
    }

    private ScheduleState decode(byte[] encoded) {
        return encoded == null ? null : deserializer.deserialize(Topics.SCHEDULES.name(), encoded);
    }
}

package io.punctual.gateway.view;

import io.micronaut.core.annotation.Nullable;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The gateway's view of the planner's schedule state, on disk. Fed by two sources that can arrive in either order:
 * {@code punctual.schedules} and the state snapshots in command results (so a write's own replica shows it at
 * once). An update is applied only if it is not older than what the view holds. Two indexes, tenant|id and
 * tenant|agent|id, each entry holding the {@link ScheduleSummary} a list filters on, give every list a range read
 * that starts at its cursor: a page costs the same whatever the tenant holds.
 */
public final class ScheduleView {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleView.class);
    /** Most index entries one page reads: a filter that matches little ends a page early, with a cursor. */
    static final int SCAN_BUDGET = 10_000;

    /** One page: the schedules, and the id to continue after (null when the list is done). */
    public record Page(List<ScheduleState> items, String after) {
    }

    private final ViewStore store;
    private final String topic;
    private final Serializer<ScheduleState> serializer;
    private final Deserializer<ScheduleState> deserializer;
    private final Consumer<ScheduleState> onDeleted;
    private final ReadOptions readOptions = new ReadOptions();

    /**
     * @param onDeleted told of a schedule deleted while it could still fire (not one removed after it completed),
     *                  whose runs go with it
     */
    public ScheduleView(ViewStore store, String topic, Serializer<ScheduleState> serializer, Deserializer<ScheduleState> deserializer,
                        Consumer<ScheduleState> onDeleted) {
        this.store = store;
        this.topic = topic;
        this.serializer = serializer;
        this.deserializer = deserializer;
        this.onDeleted = onDeleted;
    }

    public Optional<ScheduleState> get(String scheduleId) {
        return store.use(() -> getNow(scheduleId));
    }

    private Optional<ScheduleState> getNow(String scheduleId) {
        try {
            byte[] raw = store.db().get(store.schedules, Keys.of(scheduleId));
            return raw == null ? Optional.empty() : Optional.of(deserializer.deserialize(topic, raw));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read schedule " + scheduleId + " from the gateway state", e);
        }
    }

    /** How many schedules of the tenant the view holds (a counter kept with the index, not a scan). */
    int countOf(String tenant) {
        return store.use(() -> countOfNow(tenant));
    }

    private int countOfNow(String tenant) {
        try {
            return (int) Keys.longOf(store.db().get(store.counts, Keys.of(tenant)));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the gateway state", e);
        }
    }

    /**
     * A page of the tenant's schedules (of one agent if {@code agentId} is given) in id order (ids sort by creation
     * time), after {@code afterId}, with at most {@code limit} items the filter accepts. Reads at most
     * {@link #SCAN_BUDGET} index entries, so a page with few matches may hold fewer items but still gives a cursor.
     * Ids are the cursor, so creates and deletes between pages neither skip nor repeat an item. A null filter takes
     * every entry.
     */
    public Page page(String tenant, String agentId, String afterId, int limit, @Nullable Predicate<ScheduleSummary> filter) {
        return store.use(() -> pageNow(tenant, agentId, afterId, limit, filter));
    }

    private Page pageNow(String tenant, String agentId, String afterId, int limit, Predicate<ScheduleSummary> filter) {
        byte[] prefix = agentId == null ? Keys.prefix(tenant) : Keys.prefix(tenant, agentId);
        List<String> ids = new ArrayList<>();
        String lastScanned = null;
        int scanned = 0;
        try (RocksIterator it = store.db().newIterator(agentId == null ? store.byTenant : store.byAgent)) {
            it.seek(afterId == null ? prefix : Keys.concat(prefix, Keys.of(afterId)));
            for (; it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                String id = Keys.rest(it.key(), prefix);
                if (id.equals(afterId)) {
                    continue;
                }
                if (ids.size() == limit || scanned == SCAN_BUDGET) {
                    // Something follows: continue after the last item returned, or the last entry read.
                    return new Page(read(ids), ids.size() == limit ? ids.get(limit - 1) : lastScanned);
                }
                scanned++;
                lastScanned = id;
                // No filter, nothing to decode: the entry's id is all a plain page needs.
                if (filter == null || filter.test(ScheduleSummary.fromBytes(it.value()))) {
                    ids.add(id);
                }
            }
        }
        return new Page(read(ids), null);
    }

    /** The page's schedules in one batched read (one multi-get, not one look-up per item). */
    private List<ScheduleState> read(List<String> ids) {
        if (ids.isEmpty()) {
            return new ArrayList<>(); // RocksDB refuses a multi-get of no keys
        }
        List<byte[]> keys = new ArrayList<>(ids.size());
        ids.forEach(id -> keys.add(Keys.of(id)));
        List<ScheduleState> items = new ArrayList<>(ids.size());
        try {
            List<byte[]> values = store.db().multiGetAsList(Collections.nCopies(keys.size(), store.schedules), keys);
            for (byte[] raw : values) {
                // An index entry whose schedule went between the two reads (a concurrent delete) is left out.
                if (raw != null) {
                    items.add(deserializer.deserialize(topic, raw));
                }
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read a page of schedules from the gateway state", e);
        }
        return items;
    }

    /** Every schedule in the view, read from disk one at a time (for whole-state jobs such as key rotation). */
    public void forEach(Consumer<ScheduleState> action) {
        store.run(() -> forEachNow(action));
    }

    private void forEachNow(Consumer<ScheduleState> action) {
        try (RocksIterator it = store.db().newIterator(store.schedules)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(deserializer.deserialize(topic, it.value()));
            }
        }
    }

    /** Records of {@code punctual.schedules} and the positions after them, written in one atomic batch. */
    public void applyRecords(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        store.run(() -> applyRecordsNow(records, positions));
    }

    private synchronized void applyRecordsNow(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        List<ScheduleState> deletedLive = new ArrayList<>();
        try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true)) {
            for (ConsumerRecord<String, byte[]> record : records) {
                try {
                    if (record.value() == null) {
                        ScheduleState gone = drop(batch, record.key());
                        batch.delete(store.deleted, Keys.of(record.key()));
                        if (gone != null && gone.getStatus() != ScheduleStatus.COMPLETED) {
                            deletedLive.add(gone);
                        }
                    } else {
                        ScheduleState gone = apply(batch, deserializer.deserialize(record.topic(), record.value()), record.value());
                        if (gone != null) {
                            deletedLive.add(gone);
                        }
                    }
                } catch (RuntimeException e) {
                    UndecodableRecords.skipOrRethrow(record, e, LOG);
                }
            }
            store.putOffsets(batch, positions);
            store.write(batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write the gateway's schedule view", e);
        }
        deletedLive.forEach(onDeleted);
    }

    /** A state snapshot from a command result. */
    public void apply(ScheduleState incoming) {
        store.run(() -> applyNow(incoming));
    }

    private void applyNow(ScheduleState incoming) {
        ScheduleState gone;
        synchronized (this) {
            try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true)) {
                gone = apply(batch, incoming, serializer.serialize(topic, incoming));
                store.write(batch);
            } catch (RocksDBException e) {
                throw new IllegalStateException("Cannot write the gateway's schedule view", e);
            }
        }
        if (gone != null) {
            onDeleted.accept(gone);
        }
    }

    /** Applies a state; returns the schedule it deleted while it could still fire, if it did. */
    private ScheduleState apply(WriteBatchWithIndex batch, ScheduleState incoming, byte[] raw) throws RocksDBException {
        String id = incoming.getScheduleId();
        byte[] key = Keys.of(id);
        if (incoming.getStatus() == ScheduleStatus.DELETED) {
            long deletedAt = Math.max(incoming.getVersion(), Keys.longOf(batch.getFromBatchAndDB(store.db(), store.deleted, readOptions, key)));
            batch.put(store.deleted, key, Keys.longBytes(deletedAt));
            ScheduleState gone = drop(batch, id);
            return gone != null && gone.getStatus() != ScheduleStatus.COMPLETED ? gone : null;
        }
        byte[] deletedAt = batch.getFromBatchAndDB(store.db(), store.deleted, readOptions, key);
        if (deletedAt != null && incoming.getVersion() <= Keys.longOf(deletedAt)) {
            return null;
        }
        ScheduleState current = read(batch, id);
        if (current != null) {
            if (!isNotOlder(incoming, current)) {
                return null;
            }
            unindex(batch, current);
        } else {
            addToCount(batch, incoming.getSpec().getTenant(), 1);
        }
        batch.put(store.schedules, key, raw);
        ScheduleSummary summary = ScheduleSummary.of(incoming);
        byte[] value = summary.toBytes();
        batch.put(store.byTenant, Keys.of(incoming.getSpec().getTenant(), id), value);
        if (summary.agentId() != null) {
            batch.put(store.byAgent, Keys.of(incoming.getSpec().getTenant(), summary.agentId(), id), value);
        }
        return null;
    }

    /** Removes the schedule and its index entries; returns what was there. */
    private ScheduleState drop(WriteBatchWithIndex batch, String id) throws RocksDBException {
        ScheduleState gone = read(batch, id);
        if (gone != null) {
            unindex(batch, gone);
            batch.delete(store.schedules, Keys.of(id));
            addToCount(batch, gone.getSpec().getTenant(), -1);
        }
        return gone;
    }

    private void unindex(WriteBatchWithIndex batch, ScheduleState state) throws RocksDBException {
        String tenant = state.getSpec().getTenant();
        batch.delete(store.byTenant, Keys.of(tenant, state.getScheduleId()));
        String agent = ScheduleSummary.of(state).agentId();
        if (agent != null) {
            batch.delete(store.byAgent, Keys.of(tenant, agent, state.getScheduleId()));
        }
    }

    private ScheduleState read(WriteBatchWithIndex batch, String id) throws RocksDBException {
        byte[] raw = batch.getFromBatchAndDB(store.db(), store.schedules, readOptions, Keys.of(id));
        return raw == null ? null : deserializer.deserialize(topic, raw);
    }

    private void addToCount(WriteBatchWithIndex batch, String tenant, long delta) throws RocksDBException {
        byte[] key = Keys.of(tenant);
        long count = Keys.longOf(batch.getFromBatchAndDB(store.db(), store.counts, readOptions, key)) + delta;
        if (count <= 0) {
            batch.delete(store.counts, key);
        } else {
            batch.put(store.counts, key, Keys.longBytes(count));
        }
    }

    private static boolean isNotOlder(ScheduleState next, ScheduleState current) {
        if (next.getVersion() != current.getVersion()) {
            return next.getVersion() > current.getVersion();
        }
        // Fires change the state without a new version; the later update wins.
        return !next.getUpdatedAt().isBefore(current.getUpdatedAt());
    }
}
